package dev.pollen.channel.epoll;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Pollen's Unix domain channels talk to Netty's NIO ones and to plain JDK channels, both ways. */
class EpollDomainSocketInteropTest {
    private static EventLoopGroup pollen;
    private static EventLoopGroup nio;

    @TempDir
    Path dir;

    @BeforeAll
    static void setUp() {
        pollen = EpollTestSupport.newGroup(1);
        nio = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    }

    @AfterAll
    static void tearDown() {
        EpollTestSupport.shutdown(pollen, nio);
    }

    private static void echo(Channel server, Bootstrap client, UnixDomainSocketAddress address) throws Exception {
        byte[] data = EpollDomainSocketTest.randomBytes(100_000);
        EpollTestSupport.Collector collector = new EpollTestSupport.Collector(data.length);
        Channel ch = client.handler(collector).connect(address).sync().channel();
        try {
            ch.writeAndFlush(Unpooled.wrappedBuffer(data)).sync();
            assertArrayEquals(data, collector.done.get(10, TimeUnit.SECONDS));
            assertEquals(address, ch.remoteAddress());
            assertEquals(address, server.localAddress());
        } finally {
            ch.close().sync();
            server.close().sync();
        }
    }

    @Test
    void pollenServerNioClient() throws Exception {
        UnixDomainSocketAddress address = UnixDomainSocketAddress.of(dir.resolve("p.sock"));
        Channel server = EpollDomainSocketTest.server(pollen, address, new EpollTestSupport.EchoHandler());
        echo(server, new Bootstrap().group(nio).channel(NioDomainSocketChannel.class), address);
    }

    @Test
    void nioServerPollenClient() throws Exception {
        UnixDomainSocketAddress address = UnixDomainSocketAddress.of(dir.resolve("n.sock"));
        Channel server = new ServerBootstrap().group(nio).channel(NioServerDomainSocketChannel.class)
                .childHandler(new EpollTestSupport.EchoHandler()).bind(address).sync().channel();
        echo(server, new Bootstrap().group(pollen).channel(EpollDomainSocketChannel.class), address);
    }

    @Test
    void plainJdkChannelsSeeTheSameAddresses() throws Exception {
        UnixDomainSocketAddress address = UnixDomainSocketAddress.of(dir.resolve("jdk.sock"));
        try (ServerSocketChannel jdk = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            jdk.bind(address);
            Channel client = EpollDomainSocketTest.client(pollen, jdk.getLocalAddress(),
                    new ChannelInboundHandlerAdapter());
            try (SocketChannel accepted = jdk.accept()) {
                assertEquals(jdk.getLocalAddress(), client.remoteAddress());
                assertEquals(accepted.getRemoteAddress(), client.localAddress());
                client.writeAndFlush(Unpooled.wrappedBuffer(new byte[] { 1, 2, 3 })).sync();
                ByteBuffer buf = ByteBuffer.allocate(3);
                while (buf.hasRemaining()) {
                    accepted.read(buf);
                }
                assertArrayEquals(new byte[] { 1, 2, 3 }, buf.array());
            } finally {
                client.close().sync();
            }
        }
    }
}
