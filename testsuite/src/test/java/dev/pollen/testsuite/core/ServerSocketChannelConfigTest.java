package dev.pollen.testsuite.core;

import dev.pollen.channel.core.PollenServerSocketChannelConfig;
import dev.pollen.channel.PollenChannelOption;
import dev.pollen.testsuite.PollenTransports;
import dev.pollen.testsupport.TransportTestSupport;
import dev.pollen.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.util.NetUtil;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static dev.pollen.testsupport.TransportTestSupport.withNewChannel;
import static dev.pollen.testsupport.TransportTestSupport.roundTrip;
import static io.netty.channel.ChannelOption.SO_BACKLOG;
import static io.netty.channel.ChannelOption.SO_RCVBUF;
import static io.netty.channel.ChannelOption.SO_REUSEADDR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServerSocketChannelConfigTest {
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

    private static void assertAllRoundTrip(ChannelConfig c) {
        assertTrue(c.setOption(SO_RCVBUF, 65536));
        assertTrue(c.getOption(SO_RCVBUF) >= 65536, "SO_RCVBUF " + c.getOption(SO_RCVBUF));
        roundTrip(c, SO_REUSEADDR, false);
        roundTrip(c, SO_REUSEADDR, true);
        roundTrip(c, SO_BACKLOG, 128);
        roundTrip(c, SO_BACKLOG, 0);
        roundTrip(c, SO_BACKLOG, 1);
        roundTrip(c, PollenChannelOption.SO_REUSEPORT, true);
        roundTrip(c, PollenChannelOption.SO_REUSEPORT, false);
        roundTrip(c, ChannelOption.CONNECT_TIMEOUT_MILLIS, 1234);
    }

    @Test
    void defaults() {
        withNewChannel(T.serverSocketChannelFactory(), ch -> {
            PollenServerSocketChannelConfig c = (PollenServerSocketChannelConfig) ch.config();
            assertTrue(c.isReuseAddress(), "SO_REUSEADDR is on by default for listeners");
            assertEquals(NetUtil.SOMAXCONN, c.getBacklog());
            assertEquals(Boolean.FALSE, c.getOption(PollenChannelOption.SO_REUSEPORT));
        });
    }

    @Test
    void roundTripsOnUnregisteredChannel() {
        withNewChannel(T.serverSocketChannelFactory(), ch -> {
            assertAllRoundTrip(ch.config());
        });
    }

    @Test
    void getOptionsListsEverySupportedOption() {
        withNewChannel(T.serverSocketChannelFactory(), ch -> {
            ChannelConfig c = ch.config();
            c.setOption(SO_BACKLOG, 77);
            c.setOption(PollenChannelOption.SO_REUSEPORT, true);
            Map<ChannelOption<?>, Object> options = c.getOptions();
            for (ChannelOption<?> o : new ChannelOption<?>[] {SO_RCVBUF, SO_REUSEADDR, SO_BACKLOG,
                    PollenChannelOption.SO_REUSEPORT, ChannelOption.AUTO_READ}) {
                assertTrue(options.containsKey(o), "getOptions() lacks " + o);
                assertEquals(c.getOption(o), options.get(o), o.name());
            }
            assertEquals(77, options.get(SO_BACKLOG));
            assertEquals(Boolean.TRUE, options.get(PollenChannelOption.SO_REUSEPORT));
        });
    }

    @Test
    void absurdValuesAreRejected() {
        withNewChannel(T.serverSocketChannelFactory(), ch -> {
            ChannelConfig c = ch.config();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.setOption(SO_BACKLOG, -1));
            assertTrue(e.getMessage().contains("SO_BACKLOG"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> c.setOption(SO_RCVBUF, -1));
            assertTrue(e.getMessage().contains("SO_RCVBUF"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> c.setOption(SO_RCVBUF, 0));
            assertTrue(e.getMessage().contains("SO_RCVBUF"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> ((PollenServerSocketChannelConfig) ch.config()).setBacklog(Integer.MIN_VALUE));
            assertTrue(e.getMessage().contains("SO_BACKLOG"), e.getMessage());
            // Unchanged after the rejections.
            assertEquals(NetUtil.SOMAXCONN, c.getOption(SO_BACKLOG));
            assertTrue(c.getOption(SO_RCVBUF) > 0);
        });
    }

    @Test
    void optionsOnClosedListenerFailWithChannelException() {
        Channel ch = T.serverSocketChannelFactory().newChannel();
        ch.unsafe().closeForcibly();
        assertThrows(ChannelException.class, () -> ch.config().getOption(SO_RCVBUF));
        assertThrows(ChannelException.class, () -> ch.config().setOption(SO_REUSEADDR, true));
        // The backlog is kept in the config, not the socket.
        roundTrip(ch.config(), SO_BACKLOG, 5);
    }

    @Test
    void roundTripsThroughServerBootstrapOnBoundChannel() throws Exception {
        Channel server = new ServerBootstrap().group(group).channelFactory(T.serverSocketChannelFactory())
                .option(SO_BACKLOG, 64)
                .option(SO_RCVBUF, 65536)
                .option(SO_REUSEADDR, true)
                .option(PollenChannelOption.SO_REUSEPORT, true)
                .childHandler(new ChannelInboundHandlerAdapter())
                .bind(TransportTestSupport.ANY_LOOPBACK_PORT).sync().channel();
        try {
            ChannelConfig c = server.config();
            assertEquals(64, c.getOption(SO_BACKLOG));
            assertTrue(c.getOption(SO_RCVBUF) >= 65536);
            assertEquals(Boolean.TRUE, c.getOption(SO_REUSEADDR));
            assertEquals(Boolean.TRUE, c.getOption(PollenChannelOption.SO_REUSEPORT));
            assertAllRoundTrip(c);
            assertTrue(server.isActive());
        } finally {
            server.close().sync();
        }
    }

    private static ChannelFuture bind(InetSocketAddress address, boolean reusePort, Set<Channel> accepted,
                                      CountDownLatch latch) {
        return new ServerBootstrap().group(group).channelFactory(T.serverSocketChannelFactory())
                .option(PollenChannelOption.SO_REUSEPORT, reusePort)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        accepted.add(ch.parent());
                        latch.countDown();
                        ch.close();
                    }
                })
                .bind(address).awaitUninterruptibly();
    }

    @Test
    void reusePortLetsTwoListenersShareAPort() throws Exception {
        Set<Channel> parents = ConcurrentHashMap.newKeySet();
        CountDownLatch latch = new CountDownLatch(20);
        ChannelFuture first = bind(TransportTestSupport.ANY_LOOPBACK_PORT, true, parents, latch);
        assertTrue(first.isSuccess(), String.valueOf(first.cause()));
        InetSocketAddress address = (InetSocketAddress) first.channel().localAddress();
        ChannelFuture second = bind(address, true, parents, latch);
        try {
            assertTrue(second.isSuccess(), "second SO_REUSEPORT bind failed: " + second.cause());
            assertEquals(address.getPort(), ((InetSocketAddress) second.channel().localAddress()).getPort());
            // Connections are spread over both; at least they are all accepted by one of them.
            for (int i = 0; i < 20; i++) {
                Channel c = new Bootstrap().group(group).channelFactory(T.socketChannelFactory())
                        .handler(new ChannelInboundHandlerAdapter()).connect(address).sync().channel();
                // The accepting side closes at once; the client follows when it sees end of stream.
                assertTrue(c.closeFuture().await(10, TimeUnit.SECONDS), "connection " + i + " not closed by peer");
            }
            assertTrue(latch.await(10, TimeUnit.SECONDS));
            for (Channel p : parents) {
                assertTrue(p == first.channel() || p == second.channel());
            }
        } finally {
            first.channel().close().sync();
            second.channel().close().sync();
        }
    }

    @Test
    void withoutReusePortTheSecondBindFails() throws Exception {
        Set<Channel> parents = ConcurrentHashMap.newKeySet();
        CountDownLatch latch = new CountDownLatch(1);
        ChannelFuture first = bind(TransportTestSupport.ANY_LOOPBACK_PORT, false, parents, latch);
        assertTrue(first.isSuccess(), String.valueOf(first.cause()));
        InetSocketAddress address = (InetSocketAddress) first.channel().localAddress();
        try {
            ChannelFuture second = bind(address, false, parents, latch);
            assertFalse(second.isSuccess());
            Throwable cause = second.cause();
            assertInstanceOf(IOException.class, cause);
            assertInstanceOf(BindException.class, cause, "EADDRINUSE on bind should be a BindException");
            assertTrue(cause.getMessage().contains("bind"), cause.getMessage());
            assertTrue(cause.getMessage().contains("Address already in use"), cause.getMessage());
            // ServerBootstrap closes a listener whose bind failed.
            assertTrue(second.channel().closeFuture().await(10, TimeUnit.SECONDS));
            assertFalse(second.channel().isOpen());

            // Only one of the two asking for SO_REUSEPORT is not enough either.
            ChannelFuture third = bind(address, true, parents, latch);
            assertFalse(third.isSuccess());
            assertInstanceOf(BindException.class, third.cause());
        } finally {
            first.channel().close().sync();
        }
    }
}
