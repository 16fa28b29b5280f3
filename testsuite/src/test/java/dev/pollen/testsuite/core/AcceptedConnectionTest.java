package dev.pollen.testsuite.core;

import dev.pollen.channel.core.AbstractPollenChannel;
import dev.pollen.channel.core.PollenIoHandler;
import dev.pollen.channel.core.PollerBackend;
import dev.pollen.testsuite.PollenTransports;
import dev.pollen.testsupport.TransportTestSupport;
import dev.pollen.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.pollen.testsupport.TransportTestSupport.ANY_LOOPBACK_PORT;
import static dev.pollen.testsupport.TransportTestSupport.onLoop;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What an accepted connection costs and knows: TCP_NODELAY copied from the listener rather than
 * set per connection, the local address asked for only when wanted, and no DEL before the close
 * where the backend's close ends the registration anyway (CAP_CLOSE_REMOVES: epoll), unless the
 * descriptor was handed out.
 */
class AcceptedConnectionTest {
    /** The transport under test (-Dpollen.testsuite.transport). */
    private static final Transport T = PollenTransports.transport();

    static EventLoopGroup serverGroup;
    static EventLoopGroup clientGroup;

    @BeforeAll
    static void setUp() {
        serverGroup = TransportTestSupport.newGroup(T, 1);
        clientGroup = TransportTestSupport.newGroup(T, 1);
    }

    @AfterAll
    static void tearDown() {
        TransportTestSupport.shutdown(serverGroup, clientGroup);
    }

    @Test
    void acceptedConnectionHasNoDelayAndItsAddresses() throws Exception {
        Accepted c = acceptOne(new ServerBootstrap());
        assertTrue(c.child.config().isTcpNoDelay(), "TCP_NODELAY, as read back from the accepted socket");
        assertEquals(c.server.localAddress(), c.child.localAddress());
        assertEquals(c.client.localAddress(), c.child.remoteAddress());
        assertEquals(c.client.remoteAddress(), c.child.localAddress());
        c.close();
    }

    @Test
    void childOptionTurnsNoDelayOff() throws Exception {
        Accepted c = acceptOne(new ServerBootstrap().childOption(ChannelOption.TCP_NODELAY, false));
        assertFalse(c.child.config().isTcpNoDelay());
        c.close();
    }

    /** A listener, one client connected to it, and the connection it accepted. */
    private record Accepted(Channel server, Channel client, SocketChannel child) {
        void close() throws InterruptedException {
            client.close().sync();
            server.close().sync();
        }
    }

    private static Accepted acceptOne(ServerBootstrap bootstrap) throws Exception {
        CompletableFuture<SocketChannel> accepted = new CompletableFuture<>();
        Channel server = bootstrap.group(serverGroup).channelFactory(T.serverSocketChannelFactory())
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        accepted.complete((SocketChannel) ctx.channel());
                    }
                }).bind(ANY_LOOPBACK_PORT).sync().channel();
        Channel client = connect(server, new ChannelInboundHandlerAdapter());
        return new Accepted(server, client, accepted.get(10, TimeUnit.SECONDS));
    }

    private static boolean closeRemoves() throws Exception {
        return (onLoop(serverGroup.next(), () -> PollenIoHandler.current().backend().capabilities())
                & PollerBackend.CAP_CLOSE_REMOVES) != 0;
    }

    @Test
    void closingAnAcceptedConnectionLeavesRemovalToTheCloseWhereItCan() throws Exception {
        if (closeRemoves()) {
            assertEquals(1, ctlCallsPerConnection(false), "ADD only: the close ends the registration");
        } else {
            assertEquals(2, ctlCallsPerConnection(false), "ADD and DEL");
        }
    }

    @Test
    void aDescriptorHandedOutIsRemovedBeforeTheClose() throws Exception {
        assertEquals(2, ctlCallsPerConnection(true), "ADD and DEL");
    }

    /**
     * Runs 20 connections one after another (so their descriptor numbers are reused) through a
     * server that answers one message and closes; returns the server loop's ctl calls per
     * connection.
     */
    private static long ctlCallsPerConnection(boolean handOutFd) throws Exception {
        Channel server = new ServerBootstrap().group(serverGroup).channelFactory(T.serverSocketChannelFactory())
                .childHandler(new SharableHandler() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        if (handOutFd) {
                            assertTrue(((AbstractPollenChannel) ctx.channel()).fd() > 0);
                        }
                        ctx.writeAndFlush(msg).addListener(ChannelFutureListener.CLOSE);
                    }
                }).bind(ANY_LOOPBACK_PORT).sync().channel();
        EventLoop loop = server.eventLoop();
        // The listener's own ADD reaches the poller just before the loop's next wait, which
        // may come after bind() returns: counting starts once a first connection has been served.
        long before = 0;
        int connections = 20;
        for (int i = -1; i < connections; i++) {
            if (i == 0) {
                before = onLoop(loop, AcceptedConnectionTest::interestChanges);
            }
            String text = "request " + i;
            CompletableFuture<String> answer = new CompletableFuture<>();
            CompletableFuture<Void> closed = new CompletableFuture<>();
            Channel client = connect(server, new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    ByteBuf buf = (ByteBuf) msg;
                    answer.complete(buf.toString(StandardCharsets.US_ASCII));
                    buf.release();
                }

                @Override
                public void channelInactive(ChannelHandlerContext ctx) {
                    closed.complete(null);
                }
            });
            client.writeAndFlush(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII));
            assertEquals(text, answer.get(10, TimeUnit.SECONDS));
            closed.get(10, TimeUnit.SECONDS);
            assertEquals(1, TransportTestSupport.awaitRegistrations(loop, 1), "only the listener is left");
        }
        long calls = onLoop(loop, AcceptedConnectionTest::interestChanges) - before;
        server.close().sync();
        assertEquals(0, calls % connections, calls + " ctl calls for " + connections + " connections");
        return calls / connections;
    }

    /** The loop's registration changes: its ctl calls, and those made in its batches of writes. */
    private static long interestChanges() {
        PollenIoHandler handler = PollenIoHandler.current();
        return handler.ctlCount() + handler.batchedCtlCount();
    }

    @ChannelHandler.Sharable
    private static class SharableHandler extends ChannelInboundHandlerAdapter {
    }

    private static Channel connect(Channel server, ChannelInboundHandlerAdapter handler) throws InterruptedException {
        return new Bootstrap().group(clientGroup).channelFactory(T.socketChannelFactory()).handler(handler)
                .connect((InetSocketAddress) server.localAddress()).sync().channel();
    }
}
