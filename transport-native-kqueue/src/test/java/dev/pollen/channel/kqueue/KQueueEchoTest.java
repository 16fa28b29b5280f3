package dev.pollen.channel.kqueue;

import dev.pollen.testsupport.TransportTestSupport;
import dev.pollen.channel.DomainDatagramPacket;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.CharsetUtil;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Echo over TCP, UDP and Unix domain sockets through the kqueue poller. */
class KQueueEchoTest {
    static EventLoopGroup group;

    @TempDir
    Path dir;

    @BeforeAll
    static void setUp() {
        group = TransportTestSupport.newGroup(new KQueueTransport(), 2);
    }

    @AfterAll
    static void tearDown() {
        TransportTestSupport.shutdown(group);
    }

    private static byte[] random(int n) {
        byte[] data = new byte[n];
        ThreadLocalRandom.current().nextBytes(data);
        return data;
    }

    private static void writeInChunks(Channel ch, byte[] data) {
        for (int off = 0; off < data.length; off += 65536) {
            ch.write(Unpooled.wrappedBuffer(data, off, Math.min(65536, data.length - off)));
        }
        ch.flush();
    }

    @Test
    void tcpEchoesFourMegabytes() throws Exception {
        Channel server = TransportTestSupport.echoServer(new KQueueTransport(), group);
        byte[] data = random(4 * 1024 * 1024);
        TransportTestSupport.Collector collector = new TransportTestSupport.Collector(data.length);
        Channel client = new Bootstrap().group(group).channel(KQueueSocketChannel.class).handler(collector)
                .connect(server.localAddress()).sync().channel();
        writeInChunks(client, data);
        assertArrayEquals(data, collector.done.get(30, TimeUnit.SECONDS));
        client.close().sync();
        server.close().sync();
    }

    @Test
    void tcpPeerShutdownIsSeenWithAutoReadOff() throws Exception {
        // READ_CLOSED interest without READ: EVFILT_READ with EV_CLEAR, only EV_EOF delivered.
        CompletableFuture<Object> shutdown = new CompletableFuture<>();
        Channel server = new ServerBootstrap().group(group).channel(KQueueServerSocketChannel.class)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                        if (evt instanceof ChannelInputShutdownEvent) {
                            shutdown.complete(evt);
                        }
                    }
                }).bind(TransportTestSupport.ANY_LOOPBACK_PORT).sync().channel();
        Channel client = new Bootstrap().group(group).channel(KQueueSocketChannel.class)
                .handler(new ChannelInboundHandlerAdapter()).connect(server.localAddress()).sync().channel();
        client.writeAndFlush(Unpooled.copiedBuffer("unread bytes", CharsetUtil.US_ASCII)).sync();
        Thread.sleep(50); // the unread bytes must not make the loop spin or report a shutdown
        assertTrue(!shutdown.isDone());
        ((DuplexChannel) client).shutdownOutput().sync();
        assertEquals(ChannelInputShutdownEvent.INSTANCE, shutdown.get(10, TimeUnit.SECONDS));
        client.close().sync();
        server.close().sync();
    }

    @Test
    void udpEchoesDatagrams() throws Exception {
        Channel server = new Bootstrap().group(group).channel(KQueueDatagramChannel.class)
                .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket msg) {
                        ctx.writeAndFlush(new DatagramPacket(msg.content().retainedDuplicate(), msg.sender()));
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        BlockingQueue<String> replies = new LinkedBlockingQueue<>();
        Channel client = new Bootstrap().group(group).channel(KQueueDatagramChannel.class)
                .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket msg) {
                        replies.add(msg.content().toString(CharsetUtil.US_ASCII));
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        InetSocketAddress to = (InetSocketAddress) server.localAddress();
        // One at a time: loopback may drop a burst, but the poller must not lose a single reply.
        for (int i = 0; i < 100; i++) {
            client.writeAndFlush(new DatagramPacket(Unpooled.copiedBuffer("d" + i, CharsetUtil.US_ASCII), to)).sync();
            assertEquals("d" + i, replies.poll(10, TimeUnit.SECONDS));
        }
        client.close().sync();
        server.close().sync();
    }

    @Test
    void unixStreamEchoes() throws Exception {
        UnixDomainSocketAddress address = UnixDomainSocketAddress.of(dir.resolve("echo.sock"));
        Channel server = new ServerBootstrap().group(group).channel(KQueueServerDomainSocketChannel.class)
                .childHandler(new TransportTestSupport.EchoHandler()).bind(address).sync().channel();
        byte[] data = random(1024 * 1024);
        TransportTestSupport.Collector collector = new TransportTestSupport.Collector(data.length);
        KQueueDomainSocketChannel client = (KQueueDomainSocketChannel) new Bootstrap().group(group)
                .channel(KQueueDomainSocketChannel.class).handler(collector).connect(address).sync().channel();
        writeInChunks(client, data);
        assertArrayEquals(data, collector.done.get(30, TimeUnit.SECONDS));
        assertEquals(ProcessHandle.current().pid(), client.peerCredentials().pid());
        client.close().sync();
        server.close().sync();
    }

    @Test
    void unixDatagramsEcho() throws Exception {
        UnixDomainSocketAddress serverAddress = UnixDomainSocketAddress.of(dir.resolve("server.sock"));
        UnixDomainSocketAddress clientAddress = UnixDomainSocketAddress.of(dir.resolve("client.sock"));
        Channel server = new Bootstrap().group(group).channel(KQueueDomainDatagramChannel.class)
                .handler(new SimpleChannelInboundHandler<DomainDatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DomainDatagramPacket msg) {
                        ctx.writeAndFlush(new DomainDatagramPacket(msg.content().retainedDuplicate(), msg.sender()));
                    }
                }).bind(serverAddress).sync().channel();
        CompletableFuture<byte[]> reply = new CompletableFuture<>();
        Channel client = new Bootstrap().group(group).channel(KQueueDomainDatagramChannel.class)
                .handler(new SimpleChannelInboundHandler<DomainDatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DomainDatagramPacket msg) {
                        reply.complete(ByteBufUtil.getBytes(msg.content()));
                    }
                }).bind(clientAddress).sync().channel();
        byte[] data = random(2000);
        ByteBuf buf = Unpooled.wrappedBuffer(data);
        client.writeAndFlush(new DomainDatagramPacket(buf, serverAddress)).sync();
        assertArrayEquals(data, reply.get(10, TimeUnit.SECONDS));
        client.close().sync();
        server.close().sync();
    }
}
