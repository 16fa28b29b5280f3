package dev.pollen.testsuite.core;

import dev.pollen.channel.AbstractNamespaceAddress;
import dev.pollen.channel.core.AbstractPollenDomainSocketChannel;
import dev.pollen.channel.core.AbstractPollenServerDomainSocketChannel;
import dev.pollen.channel.DomainSocketReadMode;
import dev.pollen.channel.PeerCredentials;
import dev.pollen.channel.PollenChannelOption;
import dev.pollen.channel.core.PollenDomainSocketChannelConfig;
import dev.pollen.testsuite.PollenTransports;
import dev.pollen.testsupport.TransportTestSupport;
import dev.pollen.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.channel.socket.DuplexChannel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Unix domain stream channels: echo, addresses, credentials, options and half-closure. */
class DomainSocketTest {
    /** The transport under test (-Dpollen.testsuite.transport); not run for wepoll, which has no Unix domain channels. */
    private static final Transport T = PollenTransports.transport();

    private static EventLoopGroup group;

    @TempDir
    Path dir;

    @BeforeAll
    static void setUp() {
        group = TransportTestSupport.newGroup(T, 2);
    }

    @AfterAll
    static void tearDown() {
        TransportTestSupport.shutdown(group);
    }

    /** The accepted child channel of a server, as soon as it is active. */
    static final class ChildCatcher extends ChannelInitializer<Channel> {
        final CompletableFuture<AbstractPollenDomainSocketChannel> child = new CompletableFuture<>();
        private final ChannelHandler handler;

        ChildCatcher(ChannelHandler handler) {
            this.handler = handler;
        }

        @Override
        protected void initChannel(Channel ch) {
            ch.pipeline().addLast(handler);
            child.complete((AbstractPollenDomainSocketChannel) ch);
        }
    }

    static Channel server(EventLoopGroup group, SocketAddress address, ChannelHandler childHandler)
            throws InterruptedException {
        return new ServerBootstrap().group(group).channelFactory(T.serverDomainSocketChannelFactory())
                .childHandler(childHandler).bind(address).sync().channel();
    }

    static AbstractPollenDomainSocketChannel client(EventLoopGroup group, SocketAddress address, ChannelHandler handler)
            throws InterruptedException {
        return (AbstractPollenDomainSocketChannel) new Bootstrap().group(group).channelFactory(T.domainSocketChannelFactory())
                .handler(handler).connect(address).sync().channel();
    }

    static byte[] randomBytes(int n) {
        byte[] data = new byte[n];
        new Random(n).nextBytes(data);
        return data;
    }

    private void echo(SocketAddress address) throws Exception {
        ChildCatcher catcher = new ChildCatcher(new TransportTestSupport.EchoHandler());
        Channel server = server(group, address, catcher);
        byte[] data = randomBytes(256 * 1024);
        TransportTestSupport.Collector collector = new TransportTestSupport.Collector(data.length);
        AbstractPollenDomainSocketChannel client = client(group, address, collector);
        try {
            // Several writes, flushed together: gathering writes over a Unix socket.
            for (int i = 0; i < data.length; i += 32 * 1024) {
                client.write(Unpooled.wrappedBuffer(data, i, 32 * 1024));
            }
            client.flush();
            assertArrayEquals(data, collector.done.get(TransportTestSupport.DEADLINE_SECONDS, TimeUnit.SECONDS));
            AbstractPollenDomainSocketChannel child = catcher.child.get(TransportTestSupport.DEADLINE_SECONDS, TimeUnit.SECONDS);

            assertEquals(address, server.localAddress());
            assertEquals(address, client.remoteAddress());
            assertEquals(address, child.localAddress());
            // The client never bound: both ends see it unnamed, as NIO reports it.
            assertEquals(UnixDomainSocketAddress.of(""), client.localAddress());
            assertEquals(UnixDomainSocketAddress.of(""), child.remoteAddress());
            assertEquals(null, server.remoteAddress());
        } finally {
            client.close().sync();
            server.close().sync();
        }
    }

    @Test
    void echoOverAPath() throws Exception {
        UnixDomainSocketAddress address = UnixDomainSocketAddress.of(dir.resolve("echo.sock"));
        echo(address);
        // The listener removes its socket file when it closes.
        assertFalse(Files.exists(address.getPath()), "socket file left behind");
    }

    @Test
    void echoOverAnAbstractName() throws Exception {
        AbstractNamespaceAddress address = AbstractNamespaceAddress.of("pollen-test-" + ProcessHandle.current().pid()
                + '-' + System.nanoTime());
        echo(address);
        assertEquals('@' + address.name(), address.toString());
        // Closed: the name is free again.
        Channel again = server(group, address, new ChannelInboundHandlerAdapter());
        again.close().sync();
    }

    @Test
    void abstractNamesAreBytesAndMayHoldNul() throws Exception {
        byte[] raw = { 'p', 0, 'x', (byte) 0xff, (byte) System.nanoTime() };
        AbstractNamespaceAddress address = AbstractNamespaceAddress.of(raw);
        assertArrayEquals(raw, address.bytes());
        assertEquals(address, AbstractNamespaceAddress.of(raw.clone()));
        assertNotEquals(address, AbstractNamespaceAddress.of("p"));
        Channel server = server(group, address, new ChannelInboundHandlerAdapter());
        try {
            assertEquals(address, server.localAddress());
            AbstractPollenDomainSocketChannel client = client(group, address, new ChannelInboundHandlerAdapter());
            assertEquals(address, client.remoteAddress());
            client.close().sync();
        } finally {
            server.close().sync();
        }
    }

    @Test
    void boundClientReportsItsOwnPath() throws Exception {
        UnixDomainSocketAddress serverAddress = UnixDomainSocketAddress.of(dir.resolve("s.sock"));
        UnixDomainSocketAddress clientAddress = UnixDomainSocketAddress.of(dir.resolve("c.sock"));
        ChildCatcher catcher = new ChildCatcher(new ChannelInboundHandlerAdapter());
        Channel server = server(group, serverAddress, catcher);
        Channel client = new Bootstrap().group(group).channelFactory(T.domainSocketChannelFactory())
                .handler(new ChannelInboundHandlerAdapter()).connect(serverAddress, clientAddress).sync().channel();
        try {
            assertEquals(clientAddress, client.localAddress());
            assertEquals(clientAddress, catcher.child.get(TransportTestSupport.DEADLINE_SECONDS, TimeUnit.SECONDS).remoteAddress());
        } finally {
            client.close().sync();
            server.close().sync();
            Files.deleteIfExists(clientAddress.getPath());
        }
    }

    @Test
    void peerCredentialsAreThisProcess() throws Exception {
        UnixDomainSocketAddress address = UnixDomainSocketAddress.of(dir.resolve("cred.sock"));
        ChildCatcher catcher = new ChildCatcher(new ChannelInboundHandlerAdapter());
        Channel server = server(group, address, catcher);
        AbstractPollenDomainSocketChannel client = client(group, address, new ChannelInboundHandlerAdapter());
        try {
            int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            int gid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:gid");
            long pid = ProcessHandle.current().pid();
            for (AbstractPollenDomainSocketChannel ch : List.of(client, catcher.child.get(TransportTestSupport.DEADLINE_SECONDS, TimeUnit.SECONDS))) {
                PeerCredentials cred = ch.peerCredentials();
                assertEquals(pid, cred.pid(), cred::toString);
                assertEquals(uid, cred.uid(), cred::toString);
                assertTrue(cred.gids().length >= 1, cred::toString);
                assertEquals(gid, cred.gids()[0], cred::toString);
                assertEquals(cred, ch.peerCredentials());
            }
        } finally {
            client.close().sync();
            server.close().sync();
        }
    }

    @Test
    void optionsRoundTrip() throws Exception {
        AbstractPollenDomainSocketChannel ch = (AbstractPollenDomainSocketChannel) T.domainSocketChannelFactory().newChannel();
        try {
            PollenDomainSocketChannelConfig config = ch.config();
            assertEquals(DomainSocketReadMode.BYTES, config.getOption(PollenChannelOption.DOMAIN_SOCKET_READ_MODE));
            assertTrue(config.setOption(PollenChannelOption.DOMAIN_SOCKET_READ_MODE,
                    DomainSocketReadMode.FILE_DESCRIPTORS));
            assertEquals(DomainSocketReadMode.FILE_DESCRIPTORS, config.getReadMode());
            assertThrows(NullPointerException.class, () -> config.setReadMode(null));

            assertTrue(config.setOption(ChannelOption.SO_SNDBUF, 64 * 1024));
            // Linux doubles the value for bookkeeping; never less than asked.
            assertTrue(config.getOption(ChannelOption.SO_SNDBUF) >= 64 * 1024);
            assertTrue(config.setOption(ChannelOption.SO_RCVBUF, 48 * 1024));
            assertTrue(config.getOption(ChannelOption.SO_RCVBUF) >= 48 * 1024);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> config.setOption(ChannelOption.SO_RCVBUF, 0));
            assertTrue(e.getMessage().contains("SO_RCVBUF"), e.getMessage());

            assertFalse(config.isAllowHalfClosure());
            assertTrue(config.setOption(ChannelOption.ALLOW_HALF_CLOSURE, true));
            assertTrue(config.getOption(ChannelOption.ALLOW_HALF_CLOSURE));

            Map<ChannelOption<?>, Object> all = config.getOptions();
            assertEquals(DomainSocketReadMode.FILE_DESCRIPTORS, all.get(PollenChannelOption.DOMAIN_SOCKET_READ_MODE));
            assertEquals(Boolean.TRUE, all.get(ChannelOption.ALLOW_HALF_CLOSURE));
            assertTrue(all.containsKey(ChannelOption.SO_SNDBUF) && all.containsKey(ChannelOption.AUTO_READ));
            // TCP options do not apply to Unix sockets.
            assertFalse(config.setOption(ChannelOption.TCP_NODELAY, true));
        } finally {
            ch.unsafe().closeForcibly();
        }
        AbstractPollenServerDomainSocketChannel server = (AbstractPollenServerDomainSocketChannel) T.serverDomainSocketChannelFactory().newChannel();
        try {
            assertTrue(server.config().setOption(ChannelOption.SO_BACKLOG, 7));
            assertEquals(7, server.config().getOption(ChannelOption.SO_BACKLOG));
            assertThrows(IllegalArgumentException.class, () -> server.config().setOption(ChannelOption.SO_BACKLOG, -1));
        } finally {
            server.unsafe().closeForcibly();
        }
    }

    /** Records reads and input-shutdown events, in order. */
    private static final class Recorder extends ChannelInboundHandlerAdapter {
        final List<String> events = new CopyOnWriteArrayList<>();
        final CountDownLatch readComplete = new CountDownLatch(1);

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            try {
                events.add("read:" + buf.toString(StandardCharsets.US_ASCII));
            } finally {
                buf.release();
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt == ChannelInputShutdownEvent.INSTANCE) {
                events.add("inputShutdown");
                // Half closed: the reply still goes out.
                ctx.writeAndFlush(Unpooled.copiedBuffer("bye", StandardCharsets.US_ASCII));
            } else if (evt == ChannelInputShutdownReadComplete.INSTANCE) {
                events.add("inputShutdownReadComplete");
                readComplete.countDown();
            }
        }
    }

    @Test
    void halfClosure() throws Exception {
        UnixDomainSocketAddress address = UnixDomainSocketAddress.of(dir.resolve("half.sock"));
        Recorder recorder = new Recorder();
        Channel server = new ServerBootstrap().group(group).channelFactory(T.serverDomainSocketChannelFactory())
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new ChildCatcher(recorder)).bind(address).sync().channel();
        TransportTestSupport.Collector reply = new TransportTestSupport.Collector(3);
        DuplexChannel client = (DuplexChannel) new Bootstrap().group(group).channelFactory(T.domainSocketChannelFactory())
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .handler(reply).connect(address).sync().channel();
        try {
            client.writeAndFlush(Unpooled.copiedBuffer("hello", StandardCharsets.US_ASCII)).sync();
            client.shutdownOutput().sync();
            assertTrue(client.isOutputShutdown());
            assertTrue(recorder.readComplete.await(TransportTestSupport.DEADLINE_SECONDS, TimeUnit.SECONDS), "events: " + recorder.events);
            String data = String.join("", recorder.events.subList(0, recorder.events.indexOf("inputShutdown")))
                    .replace("read:", "");
            assertEquals("hello", data, "events: " + recorder.events);
            assertEquals(Arrays.asList("inputShutdown", "inputShutdownReadComplete"),
                    recorder.events.subList(recorder.events.indexOf("inputShutdown"), recorder.events.size()));
            assertEquals("bye", new String(reply.done.get(TransportTestSupport.DEADLINE_SECONDS, TimeUnit.SECONDS), StandardCharsets.US_ASCII));
            assertTrue(client.isOpen());
        } finally {
            client.close().sync();
            server.close().sync();
        }
    }

    @Test
    void withoutHalfClosureThePeersShutdownClosesTheChannel() throws Exception {
        UnixDomainSocketAddress address = UnixDomainSocketAddress.of(dir.resolve("close.sock"));
        ChildCatcher catcher = new ChildCatcher(new ChannelInboundHandlerAdapter());
        Channel server = server(group, address, catcher);
        DuplexChannel client = client(group, address, new ChannelInboundHandlerAdapter());
        try {
            client.shutdownOutput().sync();
            AbstractPollenDomainSocketChannel child = catcher.child.get(TransportTestSupport.DEADLINE_SECONDS, TimeUnit.SECONDS);
            assertTrue(child.closeFuture().await(TransportTestSupport.DEADLINE_SECONDS, TimeUnit.SECONDS));
            assertInstanceOf(T.serverDomainSocketChannelClass(), child.parent());
        } finally {
            client.close().sync();
            server.close().sync();
        }
    }
}
