package dev.pollen.testsuite.core;

import dev.pollen.channel.core.PollenSocketChannelConfig;
import dev.pollen.channel.PollenChannelOption;
import dev.pollen.testsuite.PollenTransports;
import dev.pollen.testsupport.TransportTestSupport;
import dev.pollen.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.pollen.testsupport.TransportTestSupport.withNewChannel;
import static dev.pollen.testsupport.TransportTestSupport.roundTrip;
import static io.netty.channel.ChannelOption.ALLOW_HALF_CLOSURE;
import static io.netty.channel.ChannelOption.IP_TOS;
import static io.netty.channel.ChannelOption.SO_KEEPALIVE;
import static io.netty.channel.ChannelOption.SO_LINGER;
import static io.netty.channel.ChannelOption.SO_RCVBUF;
import static io.netty.channel.ChannelOption.SO_REUSEADDR;
import static io.netty.channel.ChannelOption.SO_SNDBUF;
import static io.netty.channel.ChannelOption.TCP_NODELAY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class SocketChannelConfigTest {
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

    private static void bufferRoundTrip(ChannelConfig config, ChannelOption<Integer> option, int value) {
        assertTrue(config.setOption(option, value));
        int actual = config.getOption(option);
        // Linux doubles the value for bookkeeping overhead.
        assertTrue(actual >= value, option + ": set " + value + ", got " + actual);
    }

    /** Every option this config supports, set then read back. */
    static void assertAllRoundTrip(ChannelConfig config) {
        bufferRoundTrip(config, SO_RCVBUF, 65536);
        bufferRoundTrip(config, SO_SNDBUF, 65536);
        bufferRoundTrip(config, SO_RCVBUF, 32768);
        roundTrip(config, TCP_NODELAY, false);
        roundTrip(config, TCP_NODELAY, true);
        roundTrip(config, SO_KEEPALIVE, true);
        roundTrip(config, SO_KEEPALIVE, false);
        roundTrip(config, SO_REUSEADDR, true);
        roundTrip(config, SO_REUSEADDR, false);
        roundTrip(config, SO_LINGER, 5);
        roundTrip(config, SO_LINGER, 0);
        roundTrip(config, SO_LINGER, -1);
        roundTrip(config, IP_TOS, 0x10);
        roundTrip(config, IP_TOS, 0x28);
        roundTrip(config, IP_TOS, 0);
        roundTrip(config, ALLOW_HALF_CLOSURE, true);
        roundTrip(config, ALLOW_HALF_CLOSURE, false);
        roundTrip(config, PollenChannelOption.SO_REUSEPORT, true);
        roundTrip(config, PollenChannelOption.SO_REUSEPORT, false);
        roundTrip(config, PollenChannelOption.TCP_KEEPIDLE, 30);
        roundTrip(config, PollenChannelOption.TCP_KEEPINTVL, 7);
        roundTrip(config, PollenChannelOption.TCP_KEEPCNT, 4);
        roundTrip(config, PollenChannelOption.TCP_USER_TIMEOUT, 12345);
        roundTrip(config, PollenChannelOption.TCP_USER_TIMEOUT, 0);
        roundTrip(config, ChannelOption.CONNECT_TIMEOUT_MILLIS, 4321);
        roundTrip(config, ChannelOption.WRITE_SPIN_COUNT, 7);
        roundTrip(config, ChannelOption.AUTO_CLOSE, false);
        roundTrip(config, ChannelOption.AUTO_CLOSE, true);
    }

    @Test
    void defaults() {
        withNewChannel(T.socketChannelFactory(), ch -> {
            PollenSocketChannelConfig c = (PollenSocketChannelConfig) ch.config();
            assertTrue(c.isTcpNoDelay(), "TCP_NODELAY is on by default");
            assertFalse(c.isAllowHalfClosure());
            assertEquals(-1, c.getSoLinger());
            assertTrue(c.getReceiveBufferSize() > 0);
            assertTrue(c.getSendBufferSize() > 0);
            assertTrue(c.isAutoRead());
        });
    }

    @Test
    void roundTripsOnUnregisteredChannel() {
        withNewChannel(T.socketChannelFactory(), ch -> {
            assertAllRoundTrip(ch.config());
        });
    }

    @Test
    void typedSettersMatchOptions() {
        withNewChannel(T.socketChannelFactory(), ch -> {
            PollenSocketChannelConfig c = (PollenSocketChannelConfig) ch.config();
            c.setKeepAlive(true).setTcpNoDelay(false).setSoLinger(3).setTrafficClass(0x20).setReuseAddress(true);
            assertEquals(Boolean.TRUE, c.getOption(SO_KEEPALIVE));
            assertEquals(Boolean.FALSE, c.getOption(TCP_NODELAY));
            assertEquals(3, c.getOption(SO_LINGER));
            assertEquals(0x20, c.getOption(IP_TOS));
            assertEquals(Boolean.TRUE, c.getOption(SO_REUSEADDR));
            // Any negative linger means "off".
            c.setSoLinger(-7);
            assertEquals(-1, c.getSoLinger());
        });
    }

    @Test
    void getOptionsListsEverySupportedOption() {
        withNewChannel(T.socketChannelFactory(), ch -> {
            ChannelConfig c = ch.config();
            c.setOption(PollenChannelOption.TCP_KEEPIDLE, 31);
            c.setOption(SO_LINGER, 2);
            c.setOption(ALLOW_HALF_CLOSURE, true);
            Map<ChannelOption<?>, Object> options = c.getOptions();
            for (ChannelOption<?> o : new ChannelOption<?>[] {SO_RCVBUF, SO_SNDBUF, TCP_NODELAY, SO_KEEPALIVE,
                    SO_REUSEADDR, SO_LINGER, IP_TOS, ALLOW_HALF_CLOSURE, PollenChannelOption.SO_REUSEPORT,
                    PollenChannelOption.TCP_KEEPIDLE, PollenChannelOption.TCP_KEEPINTVL,
                    PollenChannelOption.TCP_KEEPCNT, PollenChannelOption.TCP_USER_TIMEOUT,
                    ChannelOption.CONNECT_TIMEOUT_MILLIS, ChannelOption.AUTO_READ}) {
                assertTrue(options.containsKey(o), "getOptions() lacks " + o);
                assertEquals(c.getOption(o), options.get(o), o.name());
            }
            assertEquals(31, options.get(PollenChannelOption.TCP_KEEPIDLE));
            assertEquals(2, options.get(SO_LINGER));
            assertEquals(Boolean.TRUE, options.get(ALLOW_HALF_CLOSURE));
        });
    }

    @Test
    void setOptionsAppliesAMap() {
        withNewChannel(T.socketChannelFactory(), ch -> {
            ChannelConfig c = ch.config();
            Map<ChannelOption<?>, Object> in = Map.of(PollenChannelOption.TCP_KEEPCNT, 6, SO_KEEPALIVE, true,
                    PollenChannelOption.TCP_USER_TIMEOUT, 999);
            assertTrue(c.setOptions(in));
            assertEquals(6, c.getOption(PollenChannelOption.TCP_KEEPCNT));
            assertEquals(Boolean.TRUE, c.getOption(SO_KEEPALIVE));
            assertEquals(999, c.getOption(PollenChannelOption.TCP_USER_TIMEOUT));
        });
    }

    private static void assertRejected(Executable call, String... mentions) {
        Throwable t;
        try {
            call.execute();
            fail("accepted an absurd value");
            return;
        } catch (IllegalArgumentException | ChannelException e) {
            t = e;
        } catch (Throwable e) {
            fail("unexpected exception type " + e, e);
            return;
        }
        String msg = String.valueOf(t.getMessage());
        boolean named = false;
        for (String m : mentions) {
            named |= msg.contains(m);
        }
        assertTrue(named, "message does not name the option/call: " + msg);
    }

    @Test
    void absurdValuesAreRejected() {
        withNewChannel(T.socketChannelFactory(), ch -> {
            ChannelConfig c = ch.config();
            assertRejected(() -> c.setOption(SO_RCVBUF, -1), "SO_RCVBUF");
            assertRejected(() -> c.setOption(SO_RCVBUF, 0), "SO_RCVBUF");
            assertRejected(() -> c.setOption(SO_SNDBUF, -65536), "SO_SNDBUF");
            assertRejected(() -> c.setOption(SO_SNDBUF, Integer.MIN_VALUE), "SO_SNDBUF");
            assertRejected(() -> c.setOption(IP_TOS, 300), "IP_TOS");
            assertRejected(() -> c.setOption(IP_TOS, -1), "IP_TOS");
            assertRejected(() -> c.setOption(PollenChannelOption.TCP_KEEPIDLE, 0), "TCP_KEEPIDLE");
            assertRejected(() -> c.setOption(PollenChannelOption.TCP_KEEPIDLE, -5), "TCP_KEEPIDLE");
            assertRejected(() -> c.setOption(PollenChannelOption.TCP_KEEPINTVL, 0), "TCP_KEEPINTVL");
            assertRejected(() -> c.setOption(PollenChannelOption.TCP_KEEPCNT, -1), "TCP_KEEPCNT");
            assertRejected(() -> c.setOption(PollenChannelOption.TCP_USER_TIMEOUT, -1), "TCP_USER_TIMEOUT");
            // Positive but beyond what the kernel takes: the kernel's EINVAL surfaces, naming the call.
            assertRejected(() -> c.setOption(PollenChannelOption.TCP_KEEPIDLE, 40000), "TCP_KEEPIDLE", "setsockopt");
            assertRejected(() -> c.setOption(PollenChannelOption.TCP_KEEPINTVL, 40000), "TCP_KEEPINTVL", "setsockopt");
            assertRejected(() -> c.setOption(PollenChannelOption.TCP_KEEPCNT, 1000), "TCP_KEEPCNT", "setsockopt");
            // Typed setters validate too.
            assertRejected(() -> ((PollenSocketChannelConfig) c).setTrafficClass(256), "IP_TOS");
            assertRejected(() -> ((PollenSocketChannelConfig) c).setReceiveBufferSize(-2), "SO_RCVBUF");

            // Nothing was changed by the rejected calls, and the socket still works.
            assertEquals(0, (int) c.getOption(IP_TOS));
            assertTrue(c.getOption(SO_RCVBUF) > 0);
            roundTrip(c, PollenChannelOption.TCP_KEEPIDLE, 60);
            assertTrue(ch.isOpen());
        });
    }

    @Test
    void optionsOnClosedChannelFailWithChannelException() {
        Channel ch = T.socketChannelFactory().newChannel();
        ch.unsafe().closeForcibly();
        ChannelConfig c = ch.config();
        try {
            c.getOption(SO_RCVBUF);
            fail("getOption on a closed socket succeeded");
        } catch (ChannelException expected) {
            assertNotNull(expected.getCause());
        }
        try {
            c.setOption(TCP_NODELAY, true);
            fail("setOption on a closed socket succeeded");
        } catch (ChannelException expected) {
            assertNotNull(expected.getCause());
        }
        // Options not backed by the socket still work.
        roundTrip(c, ALLOW_HALF_CLOSURE, true);
    }

    @Test
    void roundTripsThroughBootstrapOnConnectedChannels() throws Exception {
        CompletableFuture<Channel> child = new CompletableFuture<>();
        Channel server = new ServerBootstrap().group(group).channelFactory(T.serverSocketChannelFactory())
                .childOption(SO_RCVBUF, 65536)
                .childOption(SO_SNDBUF, 65536)
                .childOption(TCP_NODELAY, false)
                .childOption(SO_KEEPALIVE, true)
                .childOption(SO_LINGER, 0)
                .childOption(IP_TOS, 0x10)
                .childOption(ALLOW_HALF_CLOSURE, true)
                .childOption(PollenChannelOption.TCP_KEEPIDLE, 45)
                .childOption(PollenChannelOption.TCP_KEEPINTVL, 9)
                .childOption(PollenChannelOption.TCP_KEEPCNT, 5)
                .childOption(PollenChannelOption.TCP_USER_TIMEOUT, 7000)
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        child.complete(ctx.channel());
                    }
                })
                .bind(TransportTestSupport.ANY_LOOPBACK_PORT).sync().channel();
        Channel client = new Bootstrap().group(group).channelFactory(T.socketChannelFactory())
                .option(SO_RCVBUF, 32768)
                .option(SO_SNDBUF, 32768)
                .option(TCP_NODELAY, false)
                .option(SO_KEEPALIVE, true)
                .option(SO_REUSEADDR, true)
                .option(SO_LINGER, 2)
                .option(IP_TOS, 0x28)
                .option(ALLOW_HALF_CLOSURE, true)
                .option(PollenChannelOption.SO_REUSEPORT, true)
                .option(PollenChannelOption.TCP_KEEPIDLE, 33)
                .option(PollenChannelOption.TCP_KEEPINTVL, 11)
                .option(PollenChannelOption.TCP_KEEPCNT, 3)
                .option(PollenChannelOption.TCP_USER_TIMEOUT, 5000)
                .handler(new ChannelInboundHandlerAdapter())
                .connect(server.localAddress()).sync().channel();
        Channel accepted = child.get(10, TimeUnit.SECONDS);
        try {
            ChannelConfig c = client.config();
            assertTrue(c.getOption(SO_RCVBUF) >= 32768);
            assertTrue(c.getOption(SO_SNDBUF) >= 32768);
            assertEquals(Boolean.FALSE, c.getOption(TCP_NODELAY));
            assertEquals(Boolean.TRUE, c.getOption(SO_KEEPALIVE));
            assertEquals(Boolean.TRUE, c.getOption(SO_REUSEADDR));
            assertEquals(2, c.getOption(SO_LINGER));
            assertEquals(0x28, c.getOption(IP_TOS));
            assertEquals(Boolean.TRUE, c.getOption(ALLOW_HALF_CLOSURE));
            assertEquals(Boolean.TRUE, c.getOption(PollenChannelOption.SO_REUSEPORT));
            assertEquals(33, c.getOption(PollenChannelOption.TCP_KEEPIDLE));
            assertEquals(11, c.getOption(PollenChannelOption.TCP_KEEPINTVL));
            assertEquals(3, c.getOption(PollenChannelOption.TCP_KEEPCNT));
            assertEquals(5000, c.getOption(PollenChannelOption.TCP_USER_TIMEOUT));

            ChannelConfig a = accepted.config();
            assertTrue(a.getOption(SO_RCVBUF) >= 65536);
            assertTrue(a.getOption(SO_SNDBUF) >= 65536);
            assertEquals(Boolean.FALSE, a.getOption(TCP_NODELAY));
            assertEquals(Boolean.TRUE, a.getOption(SO_KEEPALIVE));
            assertEquals(0, a.getOption(SO_LINGER));
            assertEquals(0x10, a.getOption(IP_TOS));
            assertEquals(Boolean.TRUE, a.getOption(ALLOW_HALF_CLOSURE));
            assertEquals(45, a.getOption(PollenChannelOption.TCP_KEEPIDLE));
            assertEquals(9, a.getOption(PollenChannelOption.TCP_KEEPINTVL));
            assertEquals(5, a.getOption(PollenChannelOption.TCP_KEEPCNT));
            assertEquals(7000, a.getOption(PollenChannelOption.TCP_USER_TIMEOUT));

            // Every option also round-trips on the live connections.
            assertAllRoundTrip(accepted.config());
            assertAllRoundTrip(client.config());
            Map<ChannelOption<?>, Object> options = client.config().getOptions();
            assertTrue(options.containsKey(PollenChannelOption.TCP_USER_TIMEOUT));
            assertTrue(options.containsKey(IP_TOS));
        } finally {
            client.close().sync();
            accepted.close().sync();
            server.close().sync();
        }
    }

    @Test
    void lingeringCloseLeavesTheLoop() throws Exception {
        EventLoop loop = group.next();
        int before = TransportTestSupport.registrations(loop);
        Channel server = TransportTestSupport.echoServer(T, loop);
        Channel client = new Bootstrap().group(loop).channelFactory(T.socketChannelFactory())
                .option(SO_LINGER, 1)
                .handler(new ChannelInboundHandlerAdapter())
                .connect(server.localAddress()).sync().channel();
        assertEquals(before + 3, TransportTestSupport.awaitRegistrations(loop, before + 3), "server, client, child");
        // SO_LINGER > 0 closes on another executor after leaving the loop.
        assertTrue(client.close().await(10, TimeUnit.SECONDS));
        assertFalse(client.isOpen());
        client.closeFuture().sync();
        server.close().sync();
        // Server and child are gone too once their closes ran.
        assertEquals(before, TransportTestSupport.awaitRegistrations(loop, before));
    }
}
