package dev.pollen.testsuite.core;

import dev.pollen.testsuite.PollenTransports;
import dev.pollen.testsupport.TransportTestSupport;
import dev.pollen.transport.Transport;
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
class DomainSocketInteropTest {
    /** The transport under test (-Dpollen.testsuite.transport); not run for wepoll, which has no Unix domain channels. */
    private static final Transport T = PollenTransports.transport();

    private static EventLoopGroup pollen;
    private static EventLoopGroup nio;

    @TempDir
    Path dir;

    @BeforeAll
    static void setUp() {
        pollen = TransportTestSupport.newGroup(T, 1);
        nio = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    }

    @AfterAll
    static void tearDown() {
        TransportTestSupport.shutdown(pollen, nio);
    }

    private static void echo(Channel server, Bootstrap client, UnixDomainSocketAddress address) throws Exception {
        byte[] data = DomainSocketTest.randomBytes(100_000);
        TransportTestSupport.Collector collector = new TransportTestSupport.Collector(data.length);
        Channel ch = client.handler(collector).connect(address).sync().channel();
        try {
            ch.writeAndFlush(Unpooled.wrappedBuffer(data)).sync();
            assertArrayEquals(data, collector.done.get(TransportTestSupport.DEADLINE_SECONDS, TimeUnit.SECONDS));
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
        Channel server = DomainSocketTest.server(pollen, address, new TransportTestSupport.EchoHandler());
        echo(server, new Bootstrap().group(nio).channel(NioDomainSocketChannel.class), address);
    }

    @Test
    void nioServerPollenClient() throws Exception {
        UnixDomainSocketAddress address = UnixDomainSocketAddress.of(dir.resolve("n.sock"));
        Channel server = new ServerBootstrap().group(nio).channel(NioServerDomainSocketChannel.class)
                .childHandler(new TransportTestSupport.EchoHandler()).bind(address).sync().channel();
        echo(server, new Bootstrap().group(pollen).channelFactory(T.domainSocketChannelFactory()), address);
    }

    @Test
    void plainJdkChannelsSeeTheSameAddresses() throws Exception {
        UnixDomainSocketAddress address = UnixDomainSocketAddress.of(dir.resolve("jdk.sock"));
        try (ServerSocketChannel jdk = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            jdk.bind(address);
            Channel client = DomainSocketTest.client(pollen, jdk.getLocalAddress(),
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
