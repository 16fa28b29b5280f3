package dev.pollen.testsuite.core;

import dev.pollen.channel.PollenChannelOption;
import dev.pollen.channel.SegmentedDatagramPacket;
import dev.pollen.channel.core.PollenIoHandler;
import dev.pollen.testsuite.PollenTransports;
import dev.pollen.testsupport.DatagramSink;
import dev.pollen.testsupport.TransportTestSupport;
import dev.pollen.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.util.CharsetUtil;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.PortUnreachableException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.UnresolvedAddressException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** UDP on the shared core: echo over every family, connect/disconnect, errors, batches, auto-read. */
class DatagramTest {
    /** The transport under test (-Dpollen.testsuite.transport). */
    private static final Transport T = PollenTransports.transport();

    private static final InetAddress LOOPBACK4 = address("127.0.0.1");
    private static final InetAddress LOOPBACK6 = address("::1");
    private static EventLoopGroup group;

    private static InetAddress address(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @BeforeAll
    static void start() {
        group = TransportTestSupport.newGroup(T, 2);
    }

    @AfterAll
    static void stop() {
        TransportTestSupport.shutdown(group);
    }

    private static Bootstrap bootstrap(SocketProtocolFamily family, DatagramSink sink) {
        return new Bootstrap().group(group).channelFactory(T.datagramChannelFactory(family)).handler(sink);
    }

    private static DatagramPacket packet(String s, InetSocketAddress to) {
        return new DatagramPacket(Unpooled.copiedBuffer(s, CharsetUtil.UTF_8), to);
    }

    /** The call a datagram error names, by OS: Linux's, the BSDs' (macOS), or Windows'. */
    private static String call(String linux, String bsd, String windows) {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        return os.startsWith("linux") ? linux : os.startsWith("windows") ? windows : bsd;
    }

    private static ByteBuf direct(String s) {
        byte[] b = s.getBytes(CharsetUtil.UTF_8);
        return Unpooled.directBuffer(b.length).writeBytes(b);
    }

    @Test
    void unconnectedEchoOverEveryFamily() throws Exception {
        echo(null, LOOPBACK4);
        echo(SocketProtocolFamily.INET, LOOPBACK4);
        echo(SocketProtocolFamily.INET6, LOOPBACK6);
        // IPv4-mapped: a dual-stack IPv6 socket serving an IPv4-only client.
        echoMixed();
    }

    private void echo(SocketProtocolFamily family, InetAddress host) throws Exception {
        DatagramSink serverSink = new DatagramSink() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket msg) {
                super.channelRead0(ctx, msg);
                ctx.writeAndFlush(new DatagramPacket(msg.content().retainedDuplicate(), msg.sender()));
            }
        };
        DatagramSink clientSink = new DatagramSink();
        Channel server = bootstrap(family, serverSink).bind(new InetSocketAddress(host, 0)).sync().channel();
        Channel client = bootstrap(family, clientSink).bind(new InetSocketAddress(host, 0)).sync().channel();
        try {
            InetSocketAddress to = (InetSocketAddress) server.localAddress();
            for (int i = 0; i < 10; i++) {
                client.write(packet("ping-" + i, to));
            }
            client.flush();
            for (int i = 0; i < 10; i++) {
                DatagramSink.Received r = clientSink.take();
                assertEquals("ping-" + i, r.text());
                assertEquals(to, r.sender);
                assertEquals(client.localAddress(), r.recipient);
                DatagramSink.Received s = serverSink.take();
                assertEquals(client.localAddress(), s.sender);
                assertEquals(server.localAddress(), s.recipient);
            }
            assertTrue(clientSink.errors.isEmpty() && serverSink.errors.isEmpty());
        } finally {
            client.close().sync();
            server.close().sync();
        }
    }

    private void echoMixed() throws Exception {
        DatagramSink sink = new DatagramSink();
        Channel server = bootstrap(SocketProtocolFamily.INET6, sink).bind(new InetSocketAddress(0)).sync().channel();
        DatagramSink clientSink = new DatagramSink();
        Channel client = bootstrap(SocketProtocolFamily.INET, clientSink).bind(new InetSocketAddress(LOOPBACK4, 0))
                .sync().channel();
        try {
            int port = ((InetSocketAddress) server.localAddress()).getPort();
            client.writeAndFlush(packet("mapped", new InetSocketAddress(LOOPBACK4, port))).sync();
            DatagramSink.Received r = sink.take();
            assertEquals("mapped", r.text());
            // The IPv4 peer appears as plain IPv4, and can be answered as such.
            assertEquals(client.localAddress(), r.sender);
            server.writeAndFlush(packet("back", r.sender)).sync();
            DatagramSink.Received back = clientSink.take();
            assertEquals("back", back.text());
            assertEquals(new InetSocketAddress(LOOPBACK4, port), back.sender);
        } finally {
            client.close().sync();
            server.close().sync();
        }
    }

    @Test
    void connectedEchoDisconnectAndReconnect() throws Exception {
        DatagramSink serverSink = new DatagramSink();
        Channel server = bootstrap(null, serverSink).bind(new InetSocketAddress(LOOPBACK4, 0)).sync().channel();
        DatagramSink clientSink = new DatagramSink();
        DatagramChannel client = (DatagramChannel) bootstrap(null, clientSink).connect(server.localAddress()).sync()
                .channel();
        try {
            assertTrue(client.isConnected() && client.isActive());
            assertEquals(server.localAddress(), client.remoteAddress());
            client.writeAndFlush(direct("connected")).sync();
            DatagramSink.Received r = serverSink.take();
            assertEquals("connected", r.text());
            assertEquals(client.localAddress(), r.sender);
            server.writeAndFlush(packet("reply", r.sender)).sync();
            DatagramSink.Received reply = clientSink.take();
            assertEquals("reply", reply.text());
            assertEquals(server.localAddress(), reply.sender);

            client.disconnect().sync();
            assertTrue(!client.isConnected() && client.isOpen());
            assertNull(client.remoteAddress());
            assertInstanceOf(NotYetConnectedException.class,
                    client.writeAndFlush(direct("nope")).await().cause());
            client.connect(server.localAddress()).sync();
            client.writeAndFlush(direct("again")).sync();
            assertEquals("again", serverSink.take().text());
        } finally {
            client.close().sync();
            server.close().sync();
        }
    }

    @Test
    void connectedChannelReportsPortUnreachable() throws Exception {
        // One datagram per read, and several per read (MAX_DATAGRAM_PAYLOAD_SIZE): each names its call.
        portUnreachable(0, call("recvfrom", "recvmsg", "WSARecvFrom"));
        portUnreachable(512, call("recvmmsg", "recvmsg", "WSARecvFrom"));
    }

    private void portUnreachable(int maxPayload, String call) throws Exception {
        Channel closed = bootstrap(null, new DatagramSink()).bind(new InetSocketAddress(LOOPBACK4, 0)).sync().channel();
        InetSocketAddress gone = (InetSocketAddress) closed.localAddress();
        closed.close().sync();
        DatagramSink sink = new DatagramSink();
        Channel client = bootstrap(null, sink).option(PollenChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, maxPayload)
                .connect(gone).sync().channel();
        try {
            client.writeAndFlush(direct("anyone?")).sync();
            Throwable t = sink.errors.poll(5, TimeUnit.SECONDS);
            assertInstanceOf(PortUnreachableException.class, t);
            assertEquals(call + "(..) failed: Connection refused", t.getMessage());
            assertTrue(client.isOpen());
        } finally {
            client.close().sync();
        }
    }

    @Test
    void scatteringReadsDeliverSeveralDatagramsPerRead() throws Exception {
        DatagramSink sink = new DatagramSink();
        Channel server = bootstrap(null, sink)
                .option(ChannelOption.AUTO_READ, false)
                .option(PollenChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, 100)
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(100 * 64))
                .bind(new InetSocketAddress(LOOPBACK4, 0)).sync().channel();
        try (DatagramSocket sender = new DatagramSocket(new InetSocketAddress(LOOPBACK4, 0))) {
            for (int i = 0; i < 32; i++) {
                byte[] b = ("d" + i).getBytes(CharsetUtil.UTF_8);
                sender.send(new java.net.DatagramPacket(b, b.length, server.localAddress()));
            }
            Thread.sleep(200); // all 32 are queued before the one read below
            server.read();
            for (int i = 0; i < 32; i++) {
                DatagramSink.Received r = sink.take();
                assertEquals("d" + i, r.text());
                assertEquals(sender.getLocalSocketAddress(), r.sender);
            }
            // channelReadComplete follows the last channelRead on the loop: let it land first.
            server.eventLoop().submit(() -> { }).sync();
            assertEquals(List.of(32), sink.readsPerBatch, "one read, one system call, 32 datagrams");
        } finally {
            server.close().sync();
        }
    }

    /**
     * Without MAX_DATAGRAM_PAYLOAD_SIZE, a read event that took several datagrams makes the next
     * event ask for as many in one call (recvmmsg into the loop's scratch memory, where the OS has
     * it; each datagram is then copied into a buffer of its own): 32 datagrams queued while reads
     * are off come back whole and in order, with their sender and recipient, and once all 32 were
     * queued before reads began (the kernel may finish queueing a loopback datagram after its send
     * returns; on a busy machine, try again until the deadline), as 16 per read event (the budget),
     * the second event's in exactly one call on Linux.
     */
    @Test
    void aReadEventOfSeveralDatagramsMakesTheNextAskForAsMany() throws Exception {
        boolean linux = System.getProperty("os.name").toLowerCase(Locale.ROOT).startsWith("linux");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TransportTestSupport.DEADLINE_SECONDS);
        DatagramSink sink;
        long calls;
        do {
            sink = new DatagramSink();
            calls = burstOf32ReadAfterwards(sink);
        } while (!sink.readsPerBatch.equals(List.of(16, 16)) && System.nanoTime() < deadline);
        assertEquals(List.of(16, 16), sink.readsPerBatch, "datagrams per read event");
        if (linux) {
            assertEquals(1, calls, "receive calls for several datagrams");
        }
    }

    /**
     * Queues 32 datagrams at a new channel whose reads are off, turns them on, checks that every
     * datagram arrives in order with its sender and recipient, and returns how many receive calls
     * for several datagrams at once the loop made meanwhile.
     */
    private long burstOf32ReadAfterwards(DatagramSink sink) throws Exception {
        Channel server = bootstrap(null, sink).option(ChannelOption.AUTO_READ, false)
                .bind(new InetSocketAddress(LOOPBACK4, 0)).sync().channel();
        Channel client = bootstrap(null, new DatagramSink()).bind(new InetSocketAddress(LOOPBACK4, 0)).sync().channel();
        try {
            PollenIoHandler handler = server.eventLoop().submit(PollenIoHandler::current).get();
            long before = server.eventLoop().submit(handler::datagramBatchReadCount).get();
            InetSocketAddress to = (InetSocketAddress) server.localAddress();
            List<ChannelFuture> futures = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                futures.add(client.write(packet("m" + i, to)));
            }
            client.flush();
            for (ChannelFuture f : futures) {
                f.sync();
            }
            server.config().setAutoRead(true);
            for (int i = 0; i < 32; i++) {
                DatagramSink.Received r = sink.take();
                assertEquals("m" + i, r.text());
                assertEquals(client.localAddress(), r.sender);
                assertEquals(to, r.recipient);
            }
            server.eventLoop().submit(() -> { }).sync(); // the last channelReadComplete lands first
            assertArrayEquals(new Object[0], sink.errors.toArray());
            return server.eventLoop().submit(handler::datagramBatchReadCount).get() - before;
        } finally {
            client.close().sync();
            server.close().sync();
        }
    }

    @Test
    void batchedWritesAllArrive() throws Exception {
        DatagramSink sink = new DatagramSink();
        Channel server = bootstrap(null, sink).bind(new InetSocketAddress(LOOPBACK4, 0)).sync().channel();
        Channel client = bootstrap(null, new DatagramSink()).bind(new InetSocketAddress(LOOPBACK4, 0)).sync().channel();
        try {
            InetSocketAddress to = (InetSocketAddress) server.localAddress();
            List<ChannelFuture> futures = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                // Heap, direct and composite contents in one flush.
                ByteBuf content = i % 3 == 0 ? Unpooled.copiedBuffer("b" + i, CharsetUtil.UTF_8)
                        : i % 3 == 1 ? direct("b" + i)
                        : Unpooled.wrappedBuffer(direct("b"), Unpooled.copiedBuffer("" + i, CharsetUtil.UTF_8));
                futures.add(client.write(new DatagramPacket(content, to)));
            }
            client.write(new DatagramPacket(Unpooled.EMPTY_BUFFER, to));
            client.flush();
            for (ChannelFuture f : futures) {
                f.sync();
            }
            for (int i = 0; i < 100; i++) {
                assertEquals("b" + i, sink.take().text());
            }
            assertEquals(0, sink.take().data.length);
        } finally {
            client.close().sync();
            server.close().sync();
        }
    }

    @Test
    void broadcastOnLoopbackNeedsSoBroadcast() throws Exception {
        DatagramSink sink = new DatagramSink();
        Channel server = bootstrap(SocketProtocolFamily.INET, sink).bind(new InetSocketAddress(0)).sync().channel();
        Channel client = bootstrap(SocketProtocolFamily.INET, new DatagramSink()).bind(new InetSocketAddress(LOOPBACK4, 0))
                .sync().channel();
        try {
            int port = ((InetSocketAddress) server.localAddress()).getPort();
            InetSocketAddress broadcast = new InetSocketAddress(address("127.255.255.255"), port);
            Throwable refused = client.writeAndFlush(packet("all", broadcast)).await().cause();
            assertNotNull(refused);
            assertEquals(call("sendto", "sendto", "WSASendTo") + "(..) failed: Permission denied", refused.getMessage());
            assertTrue(client.isOpen());
            ((DatagramChannel) client).config().setBroadcast(true);
            client.writeAndFlush(packet("all", broadcast)).sync();
            DatagramSink.Received r = sink.take();
            assertEquals("all", r.text());
            assertEquals(client.localAddress(), r.sender);
        } finally {
            client.close().sync();
            server.close().sync();
        }
    }

    @Test
    void badInputGivesClearExceptions() throws Exception {
        DatagramSink sink = new DatagramSink();
        Channel ch = bootstrap(null, sink).bind(new InetSocketAddress(LOOPBACK4, 0)).sync().channel();
        InetSocketAddress self = (InetSocketAddress) ch.localAddress();
        assertInstanceOf(UnresolvedAddressException.class,
                ch.writeAndFlush(packet("x", InetSocketAddress.createUnresolved("no.such.host.invalid", 9))).await()
                        .cause());
        assertTrue(ch.isOpen());
        Throwable wrongType = ch.writeAndFlush("a string").await().cause();
        assertInstanceOf(UnsupportedOperationException.class, wrongType);
        assertTrue(wrongType.getMessage().contains("String") && wrongType.getMessage().contains("DatagramPacket"),
                wrongType.getMessage());
        assertInstanceOf(NotYetConnectedException.class, ch.writeAndFlush(direct("unconnected")).await().cause());
        // Too big for UDP: this datagram fails, the channel carries on.
        Throwable tooBig = ch.writeAndFlush(new DatagramPacket(Unpooled.directBuffer(70000).writeZero(70000), self))
                .await().cause();
        String sendto = call("sendto", "sendto", "WSASendTo");
        assertEquals(sendto + "(..) failed: Message too long", tooBig.getMessage());
        // Two in one flush go out in one batch where the OS has one (sendmmsg): the first fails in it,
        // the second then alone.
        ChannelFuture first = ch.write(new DatagramPacket(Unpooled.directBuffer(70000).writeZero(70000), self));
        ChannelFuture second = ch.writeAndFlush(new DatagramPacket(Unpooled.directBuffer(70000).writeZero(70000), self));
        assertEquals(call("sendmmsg", "sendto", "WSASendTo") + "(..) failed: Message too long",
                first.await().cause().getMessage());
        assertEquals(sendto + "(..) failed: Message too long", second.await().cause().getMessage());
        ch.writeAndFlush(packet("still fine", self)).sync();
        assertEquals("still fine", sink.take().text());
        // The Bootstrap resolves first; the channel itself refuses an unresolved address.
        assertInstanceOf(java.net.UnknownHostException.class,
                bootstrap(null, new DatagramSink()).connect(InetSocketAddress.createUnresolved("no.such.host.invalid", 9))
                        .await().cause());
        Channel unconnected = bootstrap(null, new DatagramSink()).register().sync().channel();
        assertInstanceOf(UnresolvedAddressException.class,
                unconnected.connect(InetSocketAddress.createUnresolved("no.such.host.invalid", 9)).await().cause());
        assertInstanceOf(UnresolvedAddressException.class, bootstrap(null, new DatagramSink()).register().sync().channel()
                .bind(InetSocketAddress.createUnresolved("no.such.host.invalid", 9)).await().cause());
        ch.close().sync();
        DatagramPacket late = packet("late", self);
        assertInstanceOf(ClosedChannelException.class, ch.writeAndFlush(late).await().cause());
        assertEquals(0, late.refCnt());
        assertTrue(sink.errors.isEmpty());
    }

    @Test
    void autoReadOffKeepsDatagramsQueued() throws Exception {
        DatagramSink sink = new DatagramSink();
        Channel server = bootstrap(null, sink).option(ChannelOption.AUTO_READ, false)
                .bind(new InetSocketAddress(LOOPBACK4, 0)).sync().channel();
        Channel client = bootstrap(null, new DatagramSink()).bind(new InetSocketAddress(LOOPBACK4, 0)).sync().channel();
        try {
            client.writeAndFlush(packet("one", (InetSocketAddress) server.localAddress())).sync();
            client.writeAndFlush(packet("two", (InetSocketAddress) server.localAddress())).sync();
            sink.assertNothing();
            server.read();
            assertEquals("one", sink.take().text());
            sink.assertNothing();
            server.read();
            assertEquals("two", sink.take().text());
            assertArrayEquals(new Object[0], sink.errors.toArray());
        } finally {
            client.close().sync();
            server.close().sync();
        }
    }
}
