package dev.pollen.channel.epoll;

import dev.pollen.channel.PollenChannelOption;
import dev.pollen.channel.SegmentedDatagramPacket;
import dev.pollen.testsupport.DatagramSink;
import dev.pollen.testsupport.TransportTestSupport;
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

/** Linux's UDP: GSO, GRO, the original destination, multicast by interface index (the rest: testsuite, core/DatagramTest). */
class EpollDatagramTest {
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
        Epoll.ensureAvailability();
        group = TransportTestSupport.newGroup(new EpollTransport(), 2);
    }

    @AfterAll
    static void stop() {
        TransportTestSupport.shutdown(group);
    }

    private static Bootstrap bootstrap(SocketProtocolFamily family, DatagramSink sink) {
        return new Bootstrap().group(group).channelFactory(() -> family == null ? new EpollDatagramChannel()
                : new EpollDatagramChannel(family)).handler(sink);
    }

    private static DatagramPacket packet(String s, InetSocketAddress to) {
        return new DatagramPacket(Unpooled.copiedBuffer(s, CharsetUtil.UTF_8), to);
    }

    private static ByteBuf direct(String s) {
        byte[] b = s.getBytes(CharsetUtil.UTF_8);
        return Unpooled.directBuffer(b.length).writeBytes(b);
    }

    /** True where this kernel lacks GRO or GSO, after checking that UDP_GRO is then refused. */
    private static boolean groUnsupportedAndRefused() {
        if (EpollDatagramChannel.isUdpGroSupported() && EpollDatagramChannel.isSegmentedDatagramPacketSupported()) {
            return false;
        }
        EpollDatagramChannel ch = new EpollDatagramChannel();
        try {
            ch.config().setUdpGro(true);
            throw new AssertionError("UDP_GRO accepted although the probe said unsupported");
        } catch (io.netty.channel.ChannelException expected) {
            return true;
        } finally {
            ch.unsafe().closeForcibly();
        }
    }

    @Test
    void segmentedPacketArrivesAsSeparateDatagrams() throws Exception {
        Channel client = bootstrap(null, new DatagramSink()).bind(new InetSocketAddress(LOOPBACK4, 0)).sync().channel();
        try (DatagramSocket receiver = new DatagramSocket(new InetSocketAddress(LOOPBACK4, 0))) {
            receiver.setSoTimeout(5000);
            byte[] payload = new byte[1000];
            for (int i = 0; i < payload.length; i++) {
                payload[i] = (byte) i;
            }
            SegmentedDatagramPacket p = new SegmentedDatagramPacket(Unpooled.wrappedBuffer(payload), 300,
                    (InetSocketAddress) receiver.getLocalSocketAddress());
            if (!EpollDatagramChannel.isSegmentedDatagramPacketSupported()) {
                assertInstanceOf(UnsupportedOperationException.class, client.writeAndFlush(p).await().cause());
                return;
            }
            client.writeAndFlush(p).sync();
            int[] sizes = {300, 300, 300, 100};
            for (int i = 0; i < sizes.length; i++) {
                java.net.DatagramPacket d = new java.net.DatagramPacket(new byte[2000], 2000);
                receiver.receive(d);
                assertEquals(sizes[i], d.getLength());
                assertEquals((byte) (i * 300), d.getData()[0]);
            }
        } finally {
            client.close().sync();
        }
    }

    /**
     * Sends {@code length} bytes as one GSO packet of 300-byte segments, and checks that the sink gets
     * them back as separate datagrams, in order, from the client: GRO's coalescing undone.
     */
    private static void sendSegmentedAndExpectSplit(Channel client, InetSocketAddress to, DatagramSink sink,
                                                    int length) throws Exception {
        byte[] payload = new byte[length];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) i;
        }
        client.writeAndFlush(new SegmentedDatagramPacket(Unpooled.wrappedBuffer(payload), 300, to)).sync();
        for (int offset = 0; offset < length; offset += 300) {
            DatagramSink.Received r = sink.take();
            assertEquals(Math.min(300, length - offset), r.data.length);
            assertEquals((byte) offset, r.data[0]);
            assertEquals(client.localAddress(), r.sender);
        }
        sink.assertNothing();
    }

    @Test
    void groSplitsCoalescedDatagrams() throws Exception {
        if (groUnsupportedAndRefused()) {
            return;
        }
        DatagramSink sink = new DatagramSink();
        Channel server = bootstrap(null, sink)
                .option(EpollChannelOption.UDP_GRO, true)
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(65536))
                .bind(new InetSocketAddress(LOOPBACK4, 0)).sync().channel();
        Channel client = bootstrap(null, new DatagramSink()).bind(new InetSocketAddress(LOOPBACK4, 0)).sync().channel();
        try {
            sendSegmentedAndExpectSplit(client, (InetSocketAddress) server.localAddress(), sink, 1000);
        } finally {
            client.close().sync();
            server.close().sync();
        }
    }

    /** Reads made before the option is on skip control messages; those after it must ask again. */
    @Test
    void originalDestinationTurnedOnWhileReading() throws Exception {
        DatagramSink sink = new DatagramSink();
        Channel server = bootstrap(SocketProtocolFamily.INET, sink).bind(new InetSocketAddress(0)).sync().channel();
        Channel client = bootstrap(null, new DatagramSink()).bind(new InetSocketAddress(LOOPBACK4, 0)).sync().channel();
        try {
            int port = ((InetSocketAddress) server.localAddress()).getPort();
            InetSocketAddress dst = new InetSocketAddress(address("127.0.0.3"), port);
            client.writeAndFlush(packet("before", dst)).sync();
            DatagramSink.Received before = sink.take();
            assertEquals("before", new String(before.data, CharsetUtil.UTF_8));
            assertEquals(server.localAddress(), before.recipient);
            assertEquals(client.localAddress(), before.sender);
            ((EpollDatagramChannel) server).config().setIpRecvOrigDestAddr(true);
            client.writeAndFlush(packet("after", dst)).sync();
            assertEquals(dst, sink.take().recipient);
        } finally {
            client.close().sync();
            server.close().sync();
        }
    }

    @Test
    void groTurnedOnWhileReadingStillSplits() throws Exception {
        if (groUnsupportedAndRefused()) {
            return;
        }
        DatagramSink sink = new DatagramSink();
        Channel server = bootstrap(null, sink)
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(65536))
                .bind(new InetSocketAddress(LOOPBACK4, 0)).sync().channel();
        Channel client = bootstrap(null, new DatagramSink()).bind(new InetSocketAddress(LOOPBACK4, 0)).sync().channel();
        try {
            InetSocketAddress to = (InetSocketAddress) server.localAddress();
            client.writeAndFlush(packet("plain", to)).sync();
            assertEquals("plain", new String(sink.take().data, CharsetUtil.UTF_8));
            ((EpollDatagramChannel) server).config().setUdpGro(true);
            sendSegmentedAndExpectSplit(client, to, sink, 700);
        } finally {
            client.close().sync();
            server.close().sync();
        }
    }

    @Test
    void originalDestinationBecomesRecipient() throws Exception {
        DatagramSink sink = new DatagramSink();
        Channel server = bootstrap(SocketProtocolFamily.INET, sink)
                .option(EpollChannelOption.IP_RECVORIGDSTADDR, true)
                .bind(new InetSocketAddress(0)).sync().channel();
        Channel client = bootstrap(null, new DatagramSink()).bind(new InetSocketAddress(LOOPBACK4, 0)).sync().channel();
        try {
            int port = ((InetSocketAddress) server.localAddress()).getPort();
            InetSocketAddress dst = new InetSocketAddress(address("127.0.0.3"), port);
            client.writeAndFlush(packet("where", dst)).sync();
            assertEquals(dst, sink.take().recipient);
            ((EpollDatagramChannel) server).config().setIpRecvOrigDestAddr(false);
            client.writeAndFlush(packet("where", dst)).sync();
            assertEquals(server.localAddress(), sink.take().recipient);
        } finally {
            client.close().sync();
            server.close().sync();
        }
    }

    @Test
    void multicastOnLoopback() throws Exception {
        NetworkInterface lo = NetworkInterface.getByName("lo");
        InetAddress groupAddress = address("239.255.77.2");
        DatagramSink sink = new DatagramSink();
        DatagramChannel server = (DatagramChannel) bootstrap(SocketProtocolFamily.INET, sink)
                .bind(new InetSocketAddress(0)).sync().channel();
        Channel a = bootstrap(SocketProtocolFamily.INET, new DatagramSink()).option(ChannelOption.IP_MULTICAST_IF, lo)
                .bind(new InetSocketAddress(LOOPBACK4, 0)).sync().channel();
        Channel b = bootstrap(SocketProtocolFamily.INET, new DatagramSink()).option(ChannelOption.IP_MULTICAST_IF, lo)
                .bind(new InetSocketAddress(address("127.0.0.2"), 0)).sync().channel();
        try {
            InetSocketAddress group = new InetSocketAddress(groupAddress, server.localAddress().getPort());
            // Not joined: nothing.
            a.writeAndFlush(packet("early", group)).sync();
            sink.assertNothing();
            // Any-source.
            server.joinGroup(group, lo).sync();
            a.writeAndFlush(packet("any-a", group)).sync();
            b.writeAndFlush(packet("any-b", group)).sync();
            assertEquals("any-a", sink.take().text());
            assertEquals("any-b", sink.take().text());
            // Block one source.
            server.block(groupAddress, lo, address("127.0.0.2")).sync();
            b.writeAndFlush(packet("blocked", group)).sync();
            a.writeAndFlush(packet("allowed", group)).sync();
            assertEquals("allowed", sink.take().text());
            sink.assertNothing();
            server.leaveGroup(group, lo).sync();
            a.writeAndFlush(packet("left", group)).sync();
            sink.assertNothing();
            // Source-specific: only 127.0.0.1.
            server.joinGroup(groupAddress, lo, LOOPBACK4).sync();
            b.writeAndFlush(packet("wrong-source", group)).sync();
            a.writeAndFlush(packet("right-source", group)).sync();
            DatagramSink.Received r = sink.take();
            assertEquals("right-source", r.text());
            assertEquals(a.localAddress(), r.sender);
            sink.assertNothing();
            server.leaveGroup(groupAddress, lo, LOOPBACK4).sync();
            // Leaving twice fails and names the call.
            Throwable again = server.leaveGroup(group, lo).await().cause();
            assertNotNull(again);
            assertTrue(again.getMessage().startsWith("leaveGroup(..) failed"), again.getMessage());
            // Loop mode only suppresses the extra local copy: sent out of lo itself, the datagram
            // comes back in through lo, exactly once either way.
            server.joinGroup(group, lo).sync();
            ((DatagramChannel) a).config().setLoopbackModeDisabled(true);
            assertTrue(((DatagramChannel) a).config().isLoopbackModeDisabled());
            a.writeAndFlush(packet("via-lo", group)).sync();
            assertEquals("via-lo", sink.take().text());
            sink.assertNothing();
        } finally {
            a.close().sync();
            b.close().sync();
            server.close().sync();
        }
    }
}
