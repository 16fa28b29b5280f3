package dev.pollen.testsuite.core;

import dev.pollen.channel.core.AbstractPollenServerChannel;
import dev.pollen.channel.core.AbstractPollenStreamChannel;
import dev.pollen.testsuite.PollenTransports;
import dev.pollen.testsupport.TransportTestSupport;
import dev.pollen.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.IllegalReferenceCountException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ConnectionPendingException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.channels.UnsupportedAddressTypeException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Failures name the call and the error, fail the right future, and leave the loop working. */
class ErrorsTest {
    /** The transport under test (-Dpollen.testsuite.transport). */
    private static final Transport T = PollenTransports.transport();

    private static EventLoopGroup group;

    @BeforeAll
    static void setUp() {
        group = TransportTestSupport.newGroup(T, 1);
    }

    @AfterAll
    static void tearDown() {
        TransportTestSupport.shutdown(group);
    }

    /** A socket address of no supported family (also used by {@link NativeFuzzTest}). */
    static final class BogusAddress extends SocketAddress {
        private static final long serialVersionUID = 1L;

        @Override
        public String toString() {
            return "bogus";
        }
    }

    private static Bootstrap client() {
        return new Bootstrap().group(group).channelFactory(T.socketChannelFactory())
                .handler(new ChannelInboundHandlerAdapter());
    }

    /** A registered, unconnected client channel. */
    private static AbstractPollenStreamChannel registeredClient() throws InterruptedException {
        AbstractPollenStreamChannel ch = (AbstractPollenStreamChannel) T.socketChannelFactory().newChannel();
        ch.pipeline().addLast(new ChannelInboundHandlerAdapter());
        group.next().register(ch).sync();
        return ch;
    }

    private static InetSocketAddress closedPort() throws InterruptedException {
        Channel server = new ServerBootstrap().group(group).channelFactory(T.serverSocketChannelFactory())
                .childHandler(new ChannelInboundHandlerAdapter()).bind(TransportTestSupport.ANY_LOOPBACK_PORT)
                .sync().channel();
        InetSocketAddress address = (InetSocketAddress) server.localAddress();
        server.close().sync();
        return address;
    }

    private static Throwable await(ChannelFuture f) {
        assertTrue(f.awaitUninterruptibly(TransportTestSupport.DEADLINE_SECONDS, TimeUnit.SECONDS), "future never completed: " + f);
        assertFalse(f.isSuccess(), "expected a failure");
        return f.cause();
    }

    private static Throwable rootCause(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    @Test
    void connectionRefusedNamesTheCall() throws Exception {
        InetSocketAddress address = closedPort();
        for (int i = 0; i < 5; i++) {
            ChannelFuture f = client().connect(address);
            Throwable cause = await(f);
            assertInstanceOf(ConnectException.class, cause);
            String msg = cause.getMessage();
            // Whether refused at once or seen later, the failure names the call the user made.
            assertTrue(msg.startsWith("connect(..) failed: Connection refused"), "unexpected message: " + msg);
            assertTrue(msg.contains("Connection refused"), msg);
            assertTrue(msg.contains(String.valueOf(address.getPort())), "message lacks the address: " + msg);
            // Bootstrap closes a channel whose connect failed.
            assertTrue(f.channel().closeFuture().await(TransportTestSupport.DEADLINE_SECONDS, TimeUnit.SECONDS));
        }
    }

    @Test
    void refusedConnectWithoutBootstrapFailsThePromise() throws Exception {
        InetSocketAddress address = closedPort();
        AbstractPollenStreamChannel ch = registeredClient();
        EventLoop loop = ch.eventLoop();
        try {
            Throwable cause = await(ch.connect(address));
            assertInstanceOf(ConnectException.class, cause);
            assertTrue(cause.getMessage().toLowerCase().contains("connect(..) failed"), cause.getMessage());
            assertFalse(ch.isActive());
        } finally {
            ch.close().sync();
        }
        assertEquals(0, TransportTestSupport.awaitRegistrations(loop, 0), "refused channel left registered");
    }

    @Test
    void unresolvedAddressFailsThePromise() throws Exception {
        AbstractPollenStreamChannel ch = registeredClient();
        InetSocketAddress unresolved = InetSocketAddress.createUnresolved("pollen.invalid", 80);
        Throwable cause = await(ch.connect(unresolved));
        assertInstanceOf(UnresolvedAddressException.class, cause);
        assertTrue(ch.closeFuture().await(TransportTestSupport.DEADLINE_SECONDS, TimeUnit.SECONDS), "channel left open after a failed connect");
    }

    @Test
    void bootstrapWithoutResolverReportsUnresolvedAddress() throws Exception {
        ChannelFuture f = client().disableResolver().connect(InetSocketAddress.createUnresolved("pollen.invalid", 80));
        Throwable cause = await(f);
        assertInstanceOf(UnresolvedAddressException.class, cause);
        assertTrue(f.channel().closeFuture().await(TransportTestSupport.DEADLINE_SECONDS, TimeUnit.SECONDS));
    }

    @Test
    void bindToNonInetAddressIsUnsupported() throws Exception {
        AbstractPollenServerChannel server = (AbstractPollenServerChannel) T.serverSocketChannelFactory().newChannel();
        server.pipeline().addLast(new ChannelInboundHandlerAdapter());
        group.next().register(server).sync();
        try {
            Throwable cause = await(server.bind(new BogusAddress()));
            assertInstanceOf(UnsupportedAddressTypeException.class, cause);
            assertFalse(server.isActive());
        } finally {
            server.close().sync();
        }
        AbstractPollenStreamChannel ch = registeredClient();
        try {
            assertInstanceOf(UnsupportedAddressTypeException.class, await(ch.bind(new BogusAddress())));
            assertInstanceOf(UnsupportedAddressTypeException.class, await(ch.connect(new BogusAddress())));
        } finally {
            ch.close().sync();
        }
    }

    @Test
    void writeErrorsFailTheFuture() throws Exception {
        Channel server = TransportTestSupport.echoServer(T, group);
        Channel ch = client().connect(server.localAddress()).sync().channel();
        try {
            // Neither ByteBuf nor FileRegion.
            Throwable cause = await(ch.writeAndFlush("not a buffer"));
            assertInstanceOf(UnsupportedOperationException.class, cause);
            assertTrue(cause.getMessage().contains("String"), cause.getMessage());

            // A released heap buffer is refused before it reaches the outbound buffer.
            ByteBuf heap = Unpooled.copiedBuffer("gone", StandardCharsets.US_ASCII);
            heap.release();
            assertInstanceOf(IllegalReferenceCountException.class, await(ch.writeAndFlush(heap)));

            // The channel survived both and still echoes.
            TransportTestSupport.Collector collector = new TransportTestSupport.Collector(4);
            ch.pipeline().addLast(collector);
            ch.writeAndFlush(Unpooled.copiedBuffer("ping", StandardCharsets.US_ASCII)).sync();
            assertEquals("ping", new String(collector.done.get(TransportTestSupport.DEADLINE_SECONDS, TimeUnit.SECONDS), StandardCharsets.US_ASCII));

            // A released direct buffer passes the filter (no copy needed) and fails when it is
            // flushed; as in Netty, a non-I/O error while flushing shuts the output down, so the
            // future carries ChannelOutputShutdownException caused by IllegalReferenceCountException.
            ByteBuf direct = Unpooled.directBuffer(4).writeInt(42);
            direct.release();
            Throwable flushCause = await(ch.writeAndFlush(direct));
            assertInstanceOf(IllegalReferenceCountException.class, rootCause(flushCause), String.valueOf(flushCause));
        } finally {
            ch.close().sync();
            server.close().sync();
        }
        // After close: ClosedChannelException, and the message is released.
        ByteBuf late = Unpooled.directBuffer(1).writeByte(1);
        assertInstanceOf(ClosedChannelException.class, await(ch.writeAndFlush(late)));
        assertEquals(0, late.refCnt(), "a write refused after close must release its message");
    }

    @Test
    void serverChannelRefusesWritesAndConnects() throws Exception {
        Channel server = TransportTestSupport.echoServer(T, group);
        try {
            ByteBuf buf = Unpooled.directBuffer(1).writeByte(1);
            assertInstanceOf(UnsupportedOperationException.class, await(server.writeAndFlush(buf)));
            assertEquals(0, buf.refCnt());
            assertInstanceOf(UnsupportedOperationException.class,
                    await(server.connect(new InetSocketAddress("127.0.0.1", 9))));
            assertTrue(server.isActive(), "refused operations must not close the listener");
        } finally {
            server.close().sync();
        }
    }

    @Test
    void connectingTwiceFails() throws Exception {
        Channel server = TransportTestSupport.echoServer(T, group);
        Channel ch = client().connect(server.localAddress()).sync().channel();
        try {
            Throwable cause = await(ch.connect(server.localAddress()));
            assertInstanceOf(AlreadyConnectedException.class, cause);
            assertTrue(ch.isActive(), "a second connect must not break the first connection");
        } finally {
            ch.close().sync();
            server.close().sync();
        }
    }

    /**
     * A listener with backlog 1 that never accepts: once its accept queue is full the kernel drops
     * further SYNs, so the next connect stays pending until the connect timeout.
     */
    @Test
    void connectTimeoutIsHonoured() throws Exception {
        Channel server = new ServerBootstrap().group(group).channelFactory(T.serverSocketChannelFactory())
                .option(ChannelOption.SO_BACKLOG, 1)
                .option(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInboundHandlerAdapter())
                .bind(TransportTestSupport.ANY_LOOPBACK_PORT).sync().channel();
        List<Channel> fillers = new ArrayList<>();
        EventLoop loop = group.next();
        int baseline = TransportTestSupport.registrations(loop);
        try {
            Throwable timeout = null;
            Channel timedOut = null;
            for (int i = 0; i < 16 && timeout == null; i++) {
                ChannelFuture f = client().option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 300)
                        .connect(server.localAddress());
                assertTrue(f.awaitUninterruptibly(TransportTestSupport.DEADLINE_SECONDS, TimeUnit.SECONDS));
                if (f.isSuccess()) {
                    fillers.add(f.channel());
                } else {
                    timeout = f.cause();
                    timedOut = f.channel();
                }
            }
            assertNotNull(timeout, "every connect succeeded although the listener never accepts");
            assertInstanceOf(ConnectTimeoutException.class, timeout);
            assertTrue(timeout.getMessage().contains("300"), timeout.getMessage());
            assertTrue(timedOut.closeFuture().await(TransportTestSupport.DEADLINE_SECONDS, TimeUnit.SECONDS), "timed-out channel left open");

            // While the queue is full a connect stays pending: a second connect on the same channel
            // is refused, and cancelling the first closes the channel.
            AbstractPollenStreamChannel pending = registeredClient();
            ChannelPromise first = pending.newPromise();
            pending.connect(server.localAddress(), first);
            Throwable second = await(pending.connect(server.localAddress()));
            assertInstanceOf(ConnectionPendingException.class, second);
            assertFalse(first.isDone(), "connect completed although the backlog is full");
            assertTrue(first.cancel(false));
            assertTrue(pending.closeFuture().await(TransportTestSupport.DEADLINE_SECONDS, TimeUnit.SECONDS), "cancelled connect left the channel open");
            assertEquals(baseline + fillers.size(), TransportTestSupport.awaitRegistrations(loop, baseline + fillers.size()),
                    "timed-out or cancelled connects left registrations behind");
        } finally {
            for (Channel c : fillers) {
                c.close().sync();
            }
            server.close().sync();
        }
    }
}
