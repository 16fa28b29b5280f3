package dev.pollen.channel.epoll;

import dev.pollen.channel.IntegerSocketOption;
import dev.pollen.channel.RawSocketOption;
import dev.pollen.testsupport.TransportTestSupport;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static dev.pollen.testsupport.TransportTestSupport.roundTrip;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The Linux-only options of {@link EpollChannelOption}, the generic {@link IntegerSocketOption} /
 * {@link RawSocketOption}, and {@link EpollSocketChannel#tcpInfo()}: each set, read back, and where
 * the kernel makes it observable, shown to take effect. Loopback only.
 */
class EpollLinuxOptionsTest {
    /** SOL_SOCKET, SO_KEEPALIVE, SO_LINGER, SO_RCVBUF in asm-generic/socket.h (x86_64). */
    private static final int SOL_SOCKET = 1;
    private static final int SO_KEEPALIVE = 9;
    private static final int SO_LINGER = 13;
    private static final int SO_RCVBUF = 8;
    /** A TEST-NET-1 address (RFC 5737) that is not configured on this host; no traffic is ever sent there. */
    private static final String UNCONFIGURED = "192.0.2.1";

    private static EventLoopGroup group;

    @BeforeAll
    static void setUp() {
        group = TransportTestSupport.newGroup(new EpollTransport(), 1);
    }

    @AfterAll
    static void tearDown() {
        TransportTestSupport.shutdown(group);
    }

    private static void assertRejected(Executable call, String option) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(String.valueOf(e.getMessage()).contains(option), "message does not name " + option + ": "
                + e.getMessage());
    }

    private static void close(Channel... channels) {
        for (Channel c : channels) {
            if (c != null) {
                c.close().syncUninterruptibly();
            }
        }
    }

    /** A connected pair: the client and the server's accepted child, plus the server itself. */
    private static final class Connection implements AutoCloseable {
        final Channel server;
        final EpollSocketChannel client;
        final EpollSocketChannel child;

        Connection(Channel server, EpollSocketChannel client, EpollSocketChannel child) {
            this.server = server;
            this.client = client;
            this.child = child;
        }

        @Override
        public void close() {
            EpollLinuxOptionsTest.close(client, child, server);
        }
    }

    private static Connection connect() throws Exception {
        CompletableFuture<Channel> accepted = new CompletableFuture<>();
        Channel server = new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        accepted.complete(ctx.channel());
                    }
                })
                .bind(TransportTestSupport.ANY_LOOPBACK_PORT).sync().channel();
        Channel client = new Bootstrap().group(group).channel(EpollSocketChannel.class)
                .handler(new ChannelInboundHandlerAdapter())
                .connect(server.localAddress()).sync().channel();
        return new Connection(server, (EpollSocketChannel) client,
                (EpollSocketChannel) accepted.get(10, TimeUnit.SECONDS));
    }

    // ---------------------------------------------------------------- round trips

    @Test
    void socketChannelOptionsRoundTrip() {
        EpollSocketChannel ch = new EpollSocketChannel();
        try {
            ChannelConfig c = ch.config();
            roundTrip(c, EpollChannelOption.TCP_CORK, true);
            roundTrip(c, EpollChannelOption.TCP_CORK, false);
            // TCP_QUICKACK reads back "not in delayed-ACK (ping-pong) mode".
            roundTrip(c, EpollChannelOption.TCP_QUICKACK, false);
            roundTrip(c, EpollChannelOption.TCP_QUICKACK, true);
            roundTrip(c, EpollChannelOption.TCP_NOTSENT_LOWAT, 16384L);
            roundTrip(c, EpollChannelOption.TCP_NOTSENT_LOWAT, 1L);
            roundTrip(c, EpollChannelOption.TCP_FASTOPEN_CONNECT, true);
            roundTrip(c, EpollChannelOption.TCP_FASTOPEN_CONNECT, false);
            roundTrip(c, EpollChannelOption.IP_BIND_ADDRESS_NO_PORT, true);
            roundTrip(c, EpollChannelOption.IP_BIND_ADDRESS_NO_PORT, false);
            roundTrip(c, EpollChannelOption.SO_BUSY_POLL, 50);
            roundTrip(c, EpollChannelOption.SO_BUSY_POLL, 0);
            roundTrip(c, EpollChannelOption.IP_FREEBIND, true);
            roundTrip(c, EpollChannelOption.IP_FREEBIND, false);
            // Root here (CAP_NET_ADMIN), so IP_TRANSPARENT may be set.
            roundTrip(c, EpollChannelOption.IP_TRANSPARENT, true);
            roundTrip(c, EpollChannelOption.IP_TRANSPARENT, false);
        } finally {
            ch.unsafe().closeForcibly();
        }
    }

    @Test
    void serverChannelOptionsRoundTrip() {
        EpollServerSocketChannel ch = new EpollServerSocketChannel();
        try {
            ChannelConfig c = ch.config();
            roundTrip(c, EpollChannelOption.TCP_FASTOPEN, 16);
            roundTrip(c, EpollChannelOption.TCP_FASTOPEN, 0);
            roundTrip(c, EpollChannelOption.SO_BUSY_POLL, 20);
            roundTrip(c, EpollChannelOption.SO_BUSY_POLL, 0);
            roundTrip(c, EpollChannelOption.IP_FREEBIND, true);
            roundTrip(c, EpollChannelOption.IP_FREEBIND, false);
            roundTrip(c, EpollChannelOption.IP_TRANSPARENT, true);
            roundTrip(c, EpollChannelOption.IP_TRANSPARENT, false);
            roundTrip(c, EpollChannelOption.TCP_DEFER_ACCEPT, 0);
        } finally {
            ch.unsafe().closeForcibly();
        }
    }

    /**
     * The kernel keeps TCP_DEFER_ACCEPT as a number of SYN-ACK retransmissions (initial timeout 1 s,
     * doubling, capped at 120 s) and reads it back as the total time those take: the value set is
     * rounded up to the next of 0, 1, 3, 7, 15, 31, 63, 127, 247, ...
     */
    @Test
    void deferAcceptIsRoundedUpToRetransmissionBoundaries() {
        EpollServerSocketChannel ch = new EpollServerSocketChannel();
        try {
            ChannelConfig c = ch.config();
            int[][] cases = {{0, 0}, {1, 1}, {2, 3}, {3, 3}, {4, 7}, {5, 7}, {7, 7}, {8, 15}, {10, 15},
                {30, 31}, {60, 63}, {100, 127}, {200, 247}};
            for (int[] k : cases) {
                assertTrue(c.setOption(EpollChannelOption.TCP_DEFER_ACCEPT, k[0]));
                int got = c.getOption(EpollChannelOption.TCP_DEFER_ACCEPT);
                assertTrue(got >= k[0], "TCP_DEFER_ACCEPT " + k[0] + " read back as less: " + got);
                assertEquals(k[1], got, "TCP_DEFER_ACCEPT " + k[0] + " rounding");
            }
        } finally {
            ch.unsafe().closeForcibly();
        }
    }

    @Test
    void getOptionsListsLinuxOptions() {
        EpollSocketChannel ch = new EpollSocketChannel();
        EpollServerSocketChannel server = new EpollServerSocketChannel();
        try {
            ch.config().setOption(EpollChannelOption.TCP_NOTSENT_LOWAT, 4096L);
            ch.config().setOption(EpollChannelOption.TCP_CORK, true);
            Map<ChannelOption<?>, Object> o = ch.config().getOptions();
            for (ChannelOption<?> opt : new ChannelOption<?>[] {EpollChannelOption.TCP_CORK,
                    EpollChannelOption.TCP_QUICKACK, EpollChannelOption.TCP_NOTSENT_LOWAT,
                    EpollChannelOption.TCP_FASTOPEN_CONNECT, EpollChannelOption.IP_BIND_ADDRESS_NO_PORT,
                    EpollChannelOption.SO_BUSY_POLL, EpollChannelOption.IP_FREEBIND,
                    EpollChannelOption.IP_TRANSPARENT, EpollChannelOption.TCP_MD5SIG}) {
                assertTrue(o.containsKey(opt), "socket getOptions() lacks " + opt);
            }
            assertEquals(4096L, o.get(EpollChannelOption.TCP_NOTSENT_LOWAT));
            assertEquals(Boolean.TRUE, o.get(EpollChannelOption.TCP_CORK));

            server.config().setOption(EpollChannelOption.TCP_FASTOPEN, 8);
            Map<ChannelOption<?>, Object> s = server.config().getOptions();
            for (ChannelOption<?> opt : new ChannelOption<?>[] {EpollChannelOption.TCP_DEFER_ACCEPT,
                    EpollChannelOption.TCP_FASTOPEN, EpollChannelOption.SO_BUSY_POLL, EpollChannelOption.IP_FREEBIND,
                    EpollChannelOption.IP_TRANSPARENT, EpollChannelOption.TCP_MD5SIG}) {
                assertTrue(s.containsKey(opt), "server getOptions() lacks " + opt);
            }
            assertEquals(8, s.get(EpollChannelOption.TCP_FASTOPEN));
        } finally {
            ch.unsafe().closeForcibly();
            server.unsafe().closeForcibly();
        }
    }

    @Test
    void absurdValuesAreRejectedNamingTheOption() {
        EpollSocketChannel ch = new EpollSocketChannel();
        EpollServerSocketChannel server = new EpollServerSocketChannel();
        try {
            ChannelConfig c = ch.config();
            assertRejected(() -> c.setOption(EpollChannelOption.TCP_NOTSENT_LOWAT, -1L), "TCP_NOTSENT_LOWAT");
            assertRejected(() -> c.setOption(EpollChannelOption.TCP_NOTSENT_LOWAT, 1L << 32), "TCP_NOTSENT_LOWAT");
            assertRejected(() -> c.setOption(EpollChannelOption.SO_BUSY_POLL, -1), "SO_BUSY_POLL");
            ChannelConfig s = server.config();
            assertRejected(() -> s.setOption(EpollChannelOption.SO_BUSY_POLL, -1), "SO_BUSY_POLL");
            assertRejected(() -> s.setOption(EpollChannelOption.TCP_DEFER_ACCEPT, -1), "TCP_DEFER_ACCEPT");
            assertRejected(() -> s.setOption(EpollChannelOption.TCP_FASTOPEN, -1), "TCP_FASTOPEN");
            // Nothing changed and the sockets still work.
            roundTrip(c, EpollChannelOption.TCP_NOTSENT_LOWAT, 1000L);
            roundTrip(s, EpollChannelOption.TCP_FASTOPEN, 4);
        } finally {
            ch.unsafe().closeForcibly();
            server.unsafe().closeForcibly();
        }
    }

    @Test
    void linuxOptionsThroughBootstrapOnLiveConnections() throws Exception {
        CompletableFuture<Channel> accepted = new CompletableFuture<>();
        Channel server = new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                .option(EpollChannelOption.TCP_FASTOPEN, 32)
                .option(EpollChannelOption.SO_BUSY_POLL, 10)
                .childOption(EpollChannelOption.TCP_NOTSENT_LOWAT, 32768L)
                .childOption(EpollChannelOption.SO_BUSY_POLL, 25)
                .childOption(EpollChannelOption.TCP_QUICKACK, true)
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        accepted.complete(ctx.channel());
                    }
                })
                .bind(TransportTestSupport.ANY_LOOPBACK_PORT).sync().channel();
        Channel client = null;
        Channel child = null;
        try {
            assertEquals(32, server.config().getOption(EpollChannelOption.TCP_FASTOPEN));
            assertEquals(10, server.config().getOption(EpollChannelOption.SO_BUSY_POLL));
            client = new Bootstrap().group(group).channel(EpollSocketChannel.class)
                    .option(EpollChannelOption.TCP_NOTSENT_LOWAT, 8192L)
                    .option(EpollChannelOption.SO_BUSY_POLL, 30)
                    .option(EpollChannelOption.IP_TRANSPARENT, true)
                    .handler(new ChannelInboundHandlerAdapter())
                    .connect(server.localAddress()).sync().channel();
            child = accepted.get(10, TimeUnit.SECONDS);
            assertEquals(8192L, client.config().getOption(EpollChannelOption.TCP_NOTSENT_LOWAT));
            assertEquals(30, client.config().getOption(EpollChannelOption.SO_BUSY_POLL));
            assertEquals(Boolean.TRUE, client.config().getOption(EpollChannelOption.IP_TRANSPARENT));
            assertEquals(32768L, child.config().getOption(EpollChannelOption.TCP_NOTSENT_LOWAT));
            assertEquals(25, child.config().getOption(EpollChannelOption.SO_BUSY_POLL));
            // TCP_CORK on a live connection.
            roundTrip(child.config(), EpollChannelOption.TCP_CORK, true);
            roundTrip(child.config(), EpollChannelOption.TCP_CORK, false);
        } finally {
            close(client, child, server);
        }
    }

    // ---------------------------------------------------------------- taking effect

    /** Records each child and each read (as a string) of a server's connections. */
    @ChannelHandler.Sharable
    private static final class Recorder extends ChannelInboundHandlerAdapter {
        private final BlockingQueue<String> received;
        private final BlockingQueue<Channel> children;

        Recorder(BlockingQueue<String> received, BlockingQueue<Channel> children) {
            this.received = received;
            this.children = children;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            children.add(ctx.channel());
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            try {
                received.add(buf.toString(StandardCharsets.US_ASCII));
            } finally {
                buf.release();
            }
        }
    }

    private static Channel recordingServer(BlockingQueue<String> received, ChannelOption<Integer> option,
                                           Integer value, BlockingQueue<Channel> children) throws Exception {
        ServerBootstrap b = new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                .childHandler(new Recorder(received, children));
        if (option != null) {
            b.option(option, value);
        }
        return b.bind(TransportTestSupport.ANY_LOOPBACK_PORT).sync().channel();
    }

    /** Reads from the queue until {@code expected} characters have arrived. */
    private static String take(BlockingQueue<String> q, int expected) throws InterruptedException {
        StringBuilder sb = new StringBuilder();
        while (sb.length() < expected) {
            String s = q.poll(10, TimeUnit.SECONDS);
            assertNotNull(s, "timed out after " + sb.length() + " of " + expected + " bytes: " + sb);
            sb.append(s);
        }
        return sb.toString();
    }

    /**
     * With TCP_CORK on, a small segment is held back (up to 200 ms by the kernel); clearing the
     * option sends it. (The check that nothing arrived happens well before the kernel's 200 ms
     * ceiling, so it cannot be fooled by the timer.)
     */
    @Test
    void corkHoldsBackSmallWritesUntilUncorked() throws Exception {
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        BlockingQueue<Channel> children = new LinkedBlockingQueue<>();
        Channel server = recordingServer(received, null, null, children);
        Channel client = new Bootstrap().group(group).channel(EpollSocketChannel.class)
                .handler(new ChannelInboundHandlerAdapter())
                .connect(server.localAddress()).sync().channel();
        try {
            assertNotNull(children.poll(10, TimeUnit.SECONDS));
            // Control: without cork a small write arrives.
            client.writeAndFlush(Unpooled.copiedBuffer("a", StandardCharsets.US_ASCII)).sync();
            assertEquals("a", take(received, 1));

            assertTrue(client.config().setOption(EpollChannelOption.TCP_CORK, true));
            client.writeAndFlush(Unpooled.copiedBuffer("corked", StandardCharsets.US_ASCII)).sync();
            assertNull(received.poll(60, TimeUnit.MILLISECONDS), "a corked partial segment was sent");
            assertTrue(client.config().setOption(EpollChannelOption.TCP_CORK, false));
            assertEquals("corked", take(received, 6));
        } finally {
            close(client, server);
        }
    }

    /**
     * With TCP_DEFER_ACCEPT the kernel completes the handshake but does not queue the connection for
     * accept until data arrives: the child channel appears only with the first bytes.
     */
    @Test
    void deferAcceptWaitsForData() throws Exception {
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        BlockingQueue<Channel> children = new LinkedBlockingQueue<>();
        Channel server = recordingServer(received, EpollChannelOption.TCP_DEFER_ACCEPT, 5, children);
        Channel client = null;
        try {
            assertEquals(7, server.config().getOption(EpollChannelOption.TCP_DEFER_ACCEPT));
            client = new Bootstrap().group(group).channel(EpollSocketChannel.class)
                    .handler(new ChannelInboundHandlerAdapter())
                    .connect(server.localAddress()).sync().channel();
            // The client is connected, but the listener has nothing to accept yet (the deferral
            // lasts >= 1 s before the first SYN-ACK retransmission; we look after 300 ms).
            assertTrue(client.isActive());
            assertNull(children.poll(300, TimeUnit.MILLISECONDS), "accepted before any data arrived");
            client.writeAndFlush(Unpooled.copiedBuffer("hello", StandardCharsets.US_ASCII)).sync();
            assertNotNull(children.poll(10, TimeUnit.SECONDS), "not accepted after data arrived");
            assertEquals("hello", take(received, 5));
        } finally {
            close(client, server);
        }
    }

    /** The sysctl as the kernel has it; Epoll's two predicates are its bits 0x1 and 0x2. */
    @Test
    void fastOpenAvailabilityReflectsSysctl() throws Exception {
        int mode = Integer.parseInt(Files.readString(Path.of("/proc/sys/net/ipv4/tcp_fastopen")).trim());
        assertEquals((mode & 1) != 0, Epoll.isTcpFastOpenClientSideAvailable(), "tcp_fastopen=" + mode);
        assertEquals((mode & 2) != 0, Epoll.isTcpFastOpenServerSideAvailable(), "tcp_fastopen=" + mode);
    }

    /**
     * TCP_FASTOPEN_CONNECT on the client (and a fast open queue on the listener): a write issued as
     * soon as connect completes arrives. Whether the bytes ride on the SYN depends on the sysctl
     * (server side needs bit 0x2 to hand out cookies); the data must arrive either way.
     */
    @Test
    void fastOpenConnectDeliversTheFirstWrite() throws Exception {
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        BlockingQueue<Channel> children = new LinkedBlockingQueue<>();
        Channel server = recordingServer(received, EpollChannelOption.TCP_FASTOPEN, 16, children);
        List<Channel> clients = new ArrayList<>();
        try {
            assertEquals(16, server.config().getOption(EpollChannelOption.TCP_FASTOPEN));
            // Twice: the second connection may use a cookie obtained by the first.
            for (int i = 0; i < 2; i++) {
                CompletableFuture<Throwable> writeResult = new CompletableFuture<>();
                String msg = "tfo" + i;
                ChannelFuture cf = new Bootstrap().group(group).channel(EpollSocketChannel.class)
                        .option(EpollChannelOption.TCP_FASTOPEN_CONNECT, true)
                        .handler(new ChannelInboundHandlerAdapter())
                        .connect(server.localAddress());
                clients.add(cf.channel());
                cf.addListener(f -> {
                    if (!f.isSuccess()) {
                        writeResult.complete(f.cause());
                        return;
                    }
                    cf.channel().writeAndFlush(Unpooled.copiedBuffer(msg, StandardCharsets.US_ASCII))
                            .addListener(w -> writeResult.complete(w.cause()));
                });
                Throwable failure = writeResult.get(10, TimeUnit.SECONDS);
                if (failure != null) {
                    fail("TCP_FASTOPEN_CONNECT: connect or first write failed: " + failure, failure);
                }
                assertEquals(Boolean.TRUE, cf.channel().config().getOption(EpollChannelOption.TCP_FASTOPEN_CONNECT));
                Channel child = children.poll(10, TimeUnit.SECONDS);
                assertNotNull(child, "the listener never accepted connection " + i + "; client tcp_info: "
                        + ((EpollSocketChannel) cf.channel()).tcpInfo());
                String got = received.poll(10, TimeUnit.SECONDS);
                assertEquals(msg, got, "connection " + i + ": client " + cf.channel() + " active="
                        + cf.channel().isActive() + " tcp_info " + ((EpollSocketChannel) cf.channel()).tcpInfo()
                        + "; server child tcp_info " + ((EpollSocketChannel) child).tcpInfo());
            }
        } finally {
            for (Channel c : clients) {
                close(c);
            }
            close(server);
        }
    }

    private static Map<InetAddress, byte[]> md5(String key) throws Exception {
        Map<InetAddress, byte[]> m = new HashMap<>();
        m.put(InetAddress.getByName("127.0.0.1"), key.getBytes(StandardCharsets.US_ASCII));
        return m;
    }

    @Test
    void md5SignaturesGateConnections() throws Exception {
        Channel server = new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                .option(EpollChannelOption.TCP_MD5SIG, md5("pollen-secret"))
                .childHandler(new TransportTestSupport.EchoHandler())
                .bind(TransportTestSupport.ANY_LOOPBACK_PORT).sync().channel();
        Channel good = null;
        try {
            // Same key: connects and echoes.
            TransportTestSupport.Collector collector = new TransportTestSupport.Collector(5);
            good = new Bootstrap().group(group).channel(EpollSocketChannel.class)
                    .option(EpollChannelOption.TCP_MD5SIG, md5("pollen-secret"))
                    .handler(collector)
                    .connect(server.localAddress()).sync().channel();
            good.writeAndFlush(Unpooled.copiedBuffer("hello", StandardCharsets.US_ASCII));
            assertEquals("hello", new String(collector.done.get(10, TimeUnit.SECONDS), StandardCharsets.US_ASCII));

            // No key: the listener drops the unsigned SYNs, so the connect times out.
            ChannelFuture bad = new Bootstrap().group(group).channel(EpollSocketChannel.class)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 500)
                    .handler(new ChannelInboundHandlerAdapter())
                    .connect(server.localAddress());
            assertTrue(bad.await(10, TimeUnit.SECONDS));
            assertInstanceOf(ConnectTimeoutException.class, bad.cause(), String.valueOf(bad.cause()));
            assertTrue(bad.channel().closeFuture().await(10, TimeUnit.SECONDS), "not closed after the timeout");

            // A different key: also refused.
            ChannelFuture wrong = new Bootstrap().group(group).channel(EpollSocketChannel.class)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 500)
                    .option(EpollChannelOption.TCP_MD5SIG, md5("not-the-secret"))
                    .handler(new ChannelInboundHandlerAdapter())
                    .connect(server.localAddress());
            assertTrue(wrong.await(10, TimeUnit.SECONDS));
            assertInstanceOf(ConnectTimeoutException.class, wrong.cause(), String.valueOf(wrong.cause()));
        } finally {
            close(good, server);
        }
    }

    @Test
    void md5KeysRoundTripAndBadKeysAreRejected() throws Exception {
        EpollSocketChannel ch = new EpollSocketChannel();
        EpollServerSocketChannel server = new EpollServerSocketChannel();
        try {
            for (ChannelConfig c : new ChannelConfig[] {ch.config(), server.config()}) {
                assertTrue(c.getOption(EpollChannelOption.TCP_MD5SIG).isEmpty());
                Map<InetAddress, byte[]> keys = new HashMap<>();
                keys.put(InetAddress.getByName("127.0.0.1"), "one".getBytes(StandardCharsets.US_ASCII));
                keys.put(InetAddress.getByName("127.0.0.2"), new byte[80]); // the maximum length
                assertTrue(c.setOption(EpollChannelOption.TCP_MD5SIG, keys));
                Map<InetAddress, byte[]> back = c.getOption(EpollChannelOption.TCP_MD5SIG);
                assertEquals(keys.keySet(), back.keySet());
                for (InetAddress a : keys.keySet()) {
                    assertArrayEquals(keys.get(a), back.get(a), a.toString());
                }
                // The stored map is a copy: changing ours later changes nothing.
                keys.get(InetAddress.getByName("127.0.0.1"))[0] = 'X';
                assertArrayEquals("one".getBytes(StandardCharsets.US_ASCII),
                        c.getOption(EpollChannelOption.TCP_MD5SIG).get(InetAddress.getByName("127.0.0.1")));

                // Replacing the map drops peers no longer named.
                assertTrue(c.setOption(EpollChannelOption.TCP_MD5SIG, md5("two")));
                back = c.getOption(EpollChannelOption.TCP_MD5SIG);
                assertEquals(1, back.size());
                assertArrayEquals("two".getBytes(StandardCharsets.US_ASCII),
                        back.get(InetAddress.getByName("127.0.0.1")));

                Map<InetAddress, byte[]> empty = new HashMap<>();
                empty.put(InetAddress.getByName("127.0.0.1"), new byte[0]);
                assertRejected(() -> c.setOption(EpollChannelOption.TCP_MD5SIG, empty), "TCP_MD5SIG");
                Map<InetAddress, byte[]> tooLong = new HashMap<>();
                tooLong.put(InetAddress.getByName("127.0.0.1"), new byte[81]);
                assertRejected(() -> c.setOption(EpollChannelOption.TCP_MD5SIG, tooLong), "TCP_MD5SIG");
                // The rejected maps left the previous keys in place.
                assertArrayEquals("two".getBytes(StandardCharsets.US_ASCII),
                        c.getOption(EpollChannelOption.TCP_MD5SIG).get(InetAddress.getByName("127.0.0.1")));

                assertTrue(c.setOption(EpollChannelOption.TCP_MD5SIG, Map.of()));
                assertTrue(c.getOption(EpollChannelOption.TCP_MD5SIG).isEmpty());
            }
        } finally {
            ch.unsafe().closeForcibly();
            server.unsafe().closeForcibly();
        }
    }

    /** With IP_BIND_ADDRESS_NO_PORT the port of a bind to port 0 is chosen only at connect. */
    @Test
    void bindAddressNoPortDefersThePortToConnect() throws Exception {
        Channel server = TransportTestSupport.echoServer(new EpollTransport(), group);
        EpollSocketChannel ch = new EpollSocketChannel();
        ch.pipeline().addLast(new ChannelInboundHandlerAdapter());
        try {
            assertTrue(ch.config().setOption(EpollChannelOption.IP_BIND_ADDRESS_NO_PORT, true));
            group.next().register(ch).sync();
            ch.bind(TransportTestSupport.ANY_LOOPBACK_PORT).sync();
            InetSocketAddress bound = ch.localAddress();
            assertNotNull(bound);
            assertEquals(InetAddress.getByName("127.0.0.1"), bound.getAddress());
            assertEquals(0, bound.getPort(), "a port was chosen at bind: " + bound);
            ch.connect(server.localAddress()).sync();
            // What the socket itself says now (the channel's own view, not a cached one).
            InetSocketAddress kernel = (InetSocketAddress) ch.unsafe().localAddress();
            assertTrue(kernel.getPort() > 0, "the kernel chose no port at connect: " + kernel);
            InetSocketAddress connected = ch.localAddress();
            assertEquals(InetAddress.getByName("127.0.0.1"), connected.getAddress());
            assertTrue(connected.getPort() > 0, "Channel.localAddress() still reports the port-0 address read after "
                    + "bind: " + connected + " (the socket has " + kernel + ")");
            assertEquals(kernel, connected);
        } finally {
            close(ch, server);
        }
    }

    /** Control for the test above: without the option, bind picks the port at once. */
    @Test
    void bindWithoutNoPortChoosesThePortAtBind() throws Exception {
        EpollSocketChannel ch = new EpollSocketChannel();
        ch.pipeline().addLast(new ChannelInboundHandlerAdapter());
        try {
            group.next().register(ch).sync();
            ch.bind(TransportTestSupport.ANY_LOOPBACK_PORT).sync();
            assertTrue(ch.localAddress().getPort() > 0);
        } finally {
            close(ch);
        }
    }

    /** IP_FREEBIND lets a listener bind an address this host does not have (nothing is sent to it). */
    @Test
    void freeBindAllowsBindingAnUnconfiguredAddress() throws Exception {
        InetSocketAddress unconfigured = new InetSocketAddress(UNCONFIGURED, 0);
        ChannelFuture without = new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                .childHandler(new ChannelInboundHandlerAdapter())
                .bind(unconfigured).await();
        assertFalse(without.isSuccess(), "bound " + UNCONFIGURED + " without IP_FREEBIND");
        assertTrue(String.valueOf(without.cause().getMessage()).contains("bind"), String.valueOf(without.cause()));
        close(without.channel());

        Channel with = new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                .option(EpollChannelOption.IP_FREEBIND, true)
                .childHandler(new ChannelInboundHandlerAdapter())
                .bind(unconfigured).sync().channel();
        try {
            assertEquals(Boolean.TRUE, with.config().getOption(EpollChannelOption.IP_FREEBIND));
            InetSocketAddress local = (InetSocketAddress) with.localAddress();
            assertEquals(InetAddress.getByName(UNCONFIGURED), local.getAddress());
            assertTrue(local.getPort() > 0);
        } finally {
            close(with);
        }
    }

    // ---------------------------------------------------------------- generic options

    private static ByteBuffer ints(int... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.nativeOrder());
        for (int v : values) {
            b.putInt(v);
        }
        return b.flip();
    }

    @Test
    void integerSocketOptionReachesTheKernel() {
        IntegerSocketOption keepAlive = new IntegerSocketOption("SO_KEEPALIVE(raw)", SOL_SOCKET, SO_KEEPALIVE);
        EpollSocketChannel ch = new EpollSocketChannel();
        EpollServerSocketChannel server = new EpollServerSocketChannel();
        try {
            ChannelConfig c = ch.config();
            assertTrue(c.setOption(keepAlive, 1));
            assertEquals(1, c.getOption(keepAlive));
            assertEquals(Boolean.TRUE, c.getOption(ChannelOption.SO_KEEPALIVE), "not visible via SO_KEEPALIVE");
            c.setOption(ChannelOption.SO_KEEPALIVE, false);
            assertEquals(0, c.getOption(keepAlive));

            IntegerSocketOption rcvbuf = new IntegerSocketOption("SO_RCVBUF(raw)", SOL_SOCKET, SO_RCVBUF);
            assertTrue(server.config().setOption(rcvbuf, 65536));
            assertTrue(server.config().getOption(rcvbuf) >= 65536);
            assertEquals(server.config().getOption(rcvbuf), server.config().getOption(ChannelOption.SO_RCVBUF));

            // An unknown option surfaces the kernel's refusal, naming the option.
            IntegerSocketOption bogus = new IntegerSocketOption("BOGUS", SOL_SOCKET, 12345);
            ChannelException e = assertThrows(ChannelException.class, () -> c.setOption(bogus, 1));
            assertTrue(e.getMessage().contains("BOGUS") && e.getMessage().contains("setsockopt"), e.getMessage());
        } finally {
            ch.unsafe().closeForcibly();
            server.unsafe().closeForcibly();
        }
    }

    @Test
    void rawSocketOptionCarriesStructs() {
        RawSocketOption linger = new RawSocketOption("SO_LINGER(raw)", SOL_SOCKET, SO_LINGER, 8);
        RawSocketOption rcvbuf = new RawSocketOption("SO_RCVBUF(raw)", SOL_SOCKET, SO_RCVBUF, 4);
        EpollSocketChannel ch = new EpollSocketChannel();
        try {
            ChannelConfig c = ch.config();
            // struct linger { int l_onoff; int l_linger; }
            assertTrue(c.setOption(linger, ints(1, 7)));
            assertEquals(7, c.getOption(ChannelOption.SO_LINGER));
            ByteBuffer back = c.getOption(linger).order(ByteOrder.nativeOrder());
            assertEquals(8, back.remaining());
            assertEquals(1, back.getInt(0));
            assertEquals(7, back.getInt(4));
            c.setOption(ChannelOption.SO_LINGER, -1);
            assertEquals(0, c.getOption(linger).order(ByteOrder.nativeOrder()).getInt(0));

            assertTrue(c.setOption(rcvbuf, ints(65536)));
            int kernel = c.getOption(rcvbuf).order(ByteOrder.nativeOrder()).getInt(0);
            assertTrue(kernel >= 65536, "SO_RCVBUF " + kernel);
            assertEquals(kernel, c.getOption(ChannelOption.SO_RCVBUF));

            assertThrows(IllegalArgumentException.class, () -> c.setOption(linger, ByteBuffer.allocate(257)));
        } finally {
            ch.unsafe().closeForcibly();
        }
    }

    // ---------------------------------------------------------------- TCP_INFO

    @Test
    void tcpInfoOfAnEstablishedConnection() throws Exception {
        try (Connection c = connect()) {
            for (EpollSocketChannel ch : new EpollSocketChannel[] {c.client, c.child}) {
                EpollTcpInfo info = ch.tcpInfo();
                assertEquals(1, info.state(), "TCP_ESTABLISHED: " + info);
                assertTrue(info.sndMss() > 0, info.toString());
                assertTrue(info.rcvMss() > 0, info.toString());
                assertTrue(info.rtt() >= 0, info.toString());
                assertTrue(info.rto() > 0, info.toString());
                assertTrue(info.sndCwnd() > 0, info.toString());
                String s = info.toString();
                for (String field : new String[] {"state=1", "sndMss=", "rtt=", "rcvSpace=", "totalRetrans="}) {
                    assertTrue(s.contains(field), "toString lacks " + field + ": " + s);
                }
                // The reusable form fills the same instance.
                EpollTcpInfo reused = new EpollTcpInfo();
                assertTrue(reused == ch.tcpInfo(reused));
                assertEquals(1, reused.state());
            }
        }
    }

    @Test
    void tcpInfoAfterCloseThrowsChannelException() throws Exception {
        EpollSocketChannel client;
        try (Connection c = connect()) {
            client = c.client;
            client.close().sync();
            // getsockopt fails with EBADF, which Pollen reports as a ClosedChannelException.
            ChannelException e = assertThrows(ChannelException.class, client::tcpInfo);
            assertInstanceOf(IOException.class, e.getCause(), String.valueOf(e.getCause()));
        }
    }

    /**
     * After close, the channel's descriptor number may be handed to a new socket; tcpInfo() must not
     * then report that other connection.
     */
    @Test
    void tcpInfoAfterCloseDoesNotReadAReusedDescriptor() throws Exception {
        Connection first = connect();
        int fd = first.client.fd();
        first.client.close().sync();
        List<Connection> later = new ArrayList<>();
        try {
            // Open connections until one takes the freed descriptor number (Linux hands out the lowest).
            boolean reused = false;
            for (int i = 0; i < 4 && !reused; i++) {
                Connection c = connect();
                later.add(c);
                reused = c.client.fd() == fd || c.child.fd() == fd || ((EpollServerSocketChannel) c.server).fd() == fd;
            }
            if (!reused) {
                return; // nothing to show on this run
            }
            EpollSocketChannel closed = first.client;
            assertThrows(ChannelException.class, closed::tcpInfo,
                    "tcpInfo() on a closed channel read the TCP_INFO of whatever socket now has fd " + fd);
        } finally {
            first.close();
            for (Connection c : later) {
                c.close();
            }
        }
    }

    @Test
    void tcpInfoOnUnconnectedSocketIsClosedState() {
        EpollSocketChannel ch = new EpollSocketChannel();
        try {
            // TCP_CLOSE = 7 in the kernel's numbering.
            assertEquals(7, ch.tcpInfo().state());
        } finally {
            ch.unsafe().closeForcibly();
        }
    }
}
