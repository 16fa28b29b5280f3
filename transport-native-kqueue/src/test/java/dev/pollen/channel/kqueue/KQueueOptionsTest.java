package dev.pollen.channel.kqueue;

import dev.pollen.testsupport.TransportTestSupport;
import dev.pollen.channel.core.NativeLibrary;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Portable options round trip; the BSD-only ones say clearly that Linux lacks them. */
class KQueueOptionsTest {
    private static final boolean LINUX = "linux".equals(NativeLibrary.os());
    static EventLoopGroup group;

    @TempDir
    Path dir;

    @BeforeAll
    static void setUp() {
        group = TransportTestSupport.newGroup(new KQueueTransport(), 1);
    }

    @AfterAll
    static void tearDown() {
        TransportTestSupport.shutdown(group);
    }

    @Test
    void portableSocketOptionsRoundTrip() throws Exception {
        Channel server = TransportTestSupport.echoServer(new KQueueTransport(), group);
        KQueueSocketChannel ch = (KQueueSocketChannel) new Bootstrap().group(group).channel(KQueueSocketChannel.class)
                .handler(new ChannelInboundHandlerAdapter())
                .option(ChannelOption.TCP_NODELAY, false)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(KQueueChannelOption.TCP_KEEPIDLE, 77)
                .option(KQueueChannelOption.TCP_KEEPINTVL, 11)
                .option(KQueueChannelOption.TCP_KEEPCNT, 5)
                .option(KQueueChannelOption.SO_REUSEPORT, true)
                .option(ChannelOption.SO_LINGER, 3)
                .option(ChannelOption.SO_SNDBUF, 65536)
                .connect(server.localAddress()).sync().channel();
        KQueueSocketChannelConfig c = ch.config();
        assertFalse(c.getOption(ChannelOption.TCP_NODELAY));
        assertTrue(c.getOption(ChannelOption.SO_KEEPALIVE));
        assertEquals(77, c.getOption(KQueueChannelOption.TCP_KEEPIDLE));
        assertEquals(11, c.getOption(KQueueChannelOption.TCP_KEEPINTVL));
        assertEquals(5, c.getOption(KQueueChannelOption.TCP_KEEPCNT));
        assertTrue(c.getOption(KQueueChannelOption.SO_REUSEPORT));
        assertEquals(3, c.getOption(ChannelOption.SO_LINGER));
        assertTrue(c.getOption(ChannelOption.SO_SNDBUF) >= 65536);
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> c.setOption(KQueueChannelOption.TCP_KEEPIDLE, 0));
        assertTrue(bad.getMessage().contains("TCP_KEEPIDLE"), bad.getMessage());
        Map<ChannelOption<?>, Object> all = c.getOptions();
        assertEquals(77, all.get(KQueueChannelOption.TCP_KEEPIDLE));
        assertEquals(LINUX, !all.containsKey(KQueueChannelOption.TCP_NOPUSH));
        ch.close().sync();
        server.close().sync();
    }

    @Test
    void bsdSocketOptions() throws Exception {
        Channel server = TransportTestSupport.echoServer(new KQueueTransport(), group);
        KQueueSocketChannel ch = (KQueueSocketChannel) new Bootstrap().group(group).channel(KQueueSocketChannel.class)
                .handler(new ChannelInboundHandlerAdapter()).connect(server.localAddress()).sync().channel();
        KQueueSocketChannelConfig c = ch.config();
        if (LINUX) {
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> c.setOption(KQueueChannelOption.TCP_NOPUSH, true));
            assertEquals("TCP_NOPUSH is unsupported on this OS (Linux): it exists on macOS and FreeBSD only",
                    e.getMessage());
            e = assertThrows(UnsupportedOperationException.class, c::isTcpNoPush);
            assertTrue(e.getMessage().startsWith("TCP_NOPUSH is unsupported on this OS"), e.getMessage());
            e = assertThrows(UnsupportedOperationException.class, () -> c.setSndLowAt(1024));
            assertEquals("SO_SNDLOWAT is unsupported on this OS (Linux): it exists on macOS and FreeBSD only",
                    e.getMessage());
            assertThrows(UnsupportedOperationException.class, () -> c.getOption(KQueueChannelOption.SO_SNDLOWAT));
            assertFalse(KQueue.isTcpFastOpenClientSideAvailable());
            assertFalse(KQueue.isTcpFastOpenServerSideAvailable());
        } else {
            c.setTcpNoPush(true);
            assertTrue(c.isTcpNoPush());
            c.setSndLowAt(4096);
            assertEquals(4096, c.getSndLowAt());
        }
        ch.close().sync();
        server.close().sync();
    }

    @Test
    void acceptFilterIsFreeBsdOnly() throws Exception {
        KQueueServerSocketChannel server = (KQueueServerSocketChannel) TransportTestSupport.echoServer(new KQueueTransport(), group);
        KQueueServerSocketChannelConfig c = server.config();
        if (!"freebsd".equals(NativeLibrary.os())) {
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> c.setAcceptFilter(new AcceptFilter("dataready", "")));
            assertEquals("SO_ACCEPTFILTER is unsupported on this OS (" + System.getProperty("os.name")
                    + "): it exists on FreeBSD only", e.getMessage());
            assertThrows(UnsupportedOperationException.class, c::getAcceptFilter);
            assertFalse(c.getOptions().containsKey(KQueueChannelOption.SO_ACCEPTFILTER));
        } else {
            assertEquals(AcceptFilter.NONE, c.getAcceptFilter());
        }
        assertThrows(IllegalArgumentException.class, () -> new AcceptFilter("a-name-longer-than-15", ""));
        assertEquals("dataready", new AcceptFilter("dataready", "").toString());
        server.close().sync();
    }

    @Test
    void peerPidIsMacOsOnly() throws Exception {
        UnixDomainSocketAddress address = UnixDomainSocketAddress.of(dir.resolve("pid.sock"));
        Channel server = new ServerBootstrap().group(group).channel(KQueueServerDomainSocketChannel.class)
                .childHandler(new TransportTestSupport.EchoHandler()).bind(address).sync().channel();
        KQueueDomainSocketChannel ch = (KQueueDomainSocketChannel) new Bootstrap().group(group)
                .channel(KQueueDomainSocketChannel.class).handler(new ChannelInboundHandlerAdapter())
                .connect(address).sync().channel();
        if ("osx".equals(NativeLibrary.os())) {
            assertEquals(ProcessHandle.current().pid(), ch.peerPid());
        } else {
            IOException e = assertThrows(IOException.class, ch::peerPid);
            assertEquals("getsockopt(..) failed: Protocol not available", e.getMessage());
        }
        ch.close().sync();
        server.close().sync();
    }

    /**
     * TCP_FASTOPEN_CONNECT round-trips; a write issued before the connect completes arrives. On macOS
     * it leaves with the SYN through connectx(2); elsewhere the connect is a plain one.
     */
    @Test
    void fastOpenConnectDeliversDataWrittenBeforeConnect() throws Exception {
        io.netty.channel.Channel server = new io.netty.bootstrap.ServerBootstrap().group(group)
                .channel(KQueueServerSocketChannel.class)
                .childHandler(new io.netty.channel.ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(io.netty.channel.ChannelHandlerContext ctx, Object msg) {
                        ctx.writeAndFlush(msg);
                    }
                }).bind(TransportTestSupport.ANY_LOOPBACK_PORT).sync().channel();
        java.util.concurrent.CompletableFuture<String> echoed = new java.util.concurrent.CompletableFuture<>();
        KQueueSocketChannel ch = new KQueueSocketChannel();
        ch.config().setOption(io.netty.channel.ChannelOption.TCP_FASTOPEN_CONNECT, true);
        assertTrue(ch.config().getOption(io.netty.channel.ChannelOption.TCP_FASTOPEN_CONNECT));
        ch.pipeline().addLast(new io.netty.channel.SimpleChannelInboundHandler<io.netty.buffer.ByteBuf>() {
            @Override
            protected void channelRead0(io.netty.channel.ChannelHandlerContext ctx, io.netty.buffer.ByteBuf msg) {
                echoed.complete(msg.toString(java.nio.charset.StandardCharsets.US_ASCII));
            }
        });
        group.register(ch).sync();
        ch.write(io.netty.buffer.Unpooled.copiedBuffer("syn-data", java.nio.charset.StandardCharsets.US_ASCII));
        ch.connect(server.localAddress()).sync();
        ch.flush();
        assertEquals("syn-data", echoed.get(10, java.util.concurrent.TimeUnit.SECONDS));
        ch.close().sync();
        server.close().sync();
    }
}
