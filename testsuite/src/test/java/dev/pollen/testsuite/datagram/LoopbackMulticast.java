package dev.pollen.testsuite.datagram;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketProtocolFamily;

import org.junit.jupiter.api.Assumptions;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.util.Collections;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The scenario of Netty's {@code DatagramMulticastTest.testMulticast}, pinned to the loopback
 * interface. Netty's test takes the first up, multicast-capable interface with an address of the
 * family (and sends a probe datagram to 230.0.0.1 through it); {@code lo} lacks IFF_MULTICAST, so on
 * a host with a real NIC it would pick that NIC and put multicast on the wire. Pollen's tests send to
 * loopback only, hence this variant: same steps (IP_MULTICAST_IF and SO_REUSEADDR on both, bind,
 * check the interface options, join, receive exactly one datagram, leave, receive nothing, toggle
 * loop mode), interface {@code lo}.
 */
final class LoopbackMulticast {
    private LoopbackMulticast() {
    }

    static void run(Bootstrap sb, Bootstrap cb, SocketProtocolFamily family) throws Throwable {
        NetworkInterface lo = NetworkInterface.getByName("lo");
        assertNotNull(lo, "no loopback interface named lo");
        InetAddress loAddress = null;
        for (InetAddress a : Collections.list(lo.getInetAddresses())) {
            if (family == SocketProtocolFamily.INET ? a instanceof Inet4Address : a instanceof Inet6Address) {
                loAddress = a;
            }
        }
        assertNotNull(loAddress, "lo has no " + family + " address");
        InetAddress groupAddress = InetAddress.getByName(family == SocketProtocolFamily.INET
                ? "230.0.0.1" : "FF01:0:0:0:0:0:0:101");
        InetAddress any = InetAddress.getByName(family == SocketProtocolFamily.INET ? "0.0.0.0" : "::");

        Receiver receiver = new Receiver();
        sb.handler(new SimpleChannelInboundHandler<Object>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
                // The sender receives nothing.
            }
        });
        cb.handler(receiver);
        sb.option(ChannelOption.IP_MULTICAST_IF, lo).option(ChannelOption.SO_REUSEADDR, true);
        cb.option(ChannelOption.IP_MULTICAST_IF, lo).option(ChannelOption.SO_REUSEADDR, true);

        DatagramChannel sc = (DatagramChannel) sb.bind(new InetSocketAddress(loAddress, 0)).sync().channel();
        DatagramChannel cc = null;
        try {
            assertEquals(lo, sc.config().getNetworkInterface());
            assertTrue(Collections.list(lo.getInetAddresses()).contains(sc.config().getInterface()),
                    "IP_MULTICAST_ADDR " + sc.config().getInterface() + " is not an address of lo");
            cc = (DatagramChannel) cb.bind(new InetSocketAddress(any, sc.localAddress().getPort())).sync().channel();
            assertEquals(lo, cc.config().getNetworkInterface());

            InetSocketAddress group = new InetSocketAddress(groupAddress, sc.localAddress().getPort());
            cc.joinGroup(group, lo).sync();
            if (family == SocketProtocolFamily.INET6 && !lo.supportsMulticast()) {
                // Without IFF_MULTICAST the kernel gives lo no ff00::/8 route: an IPv6 multicast send
                // through lo fails with ENETUNREACH, and a real NIC is off limits. Check what can be.
                cc.leaveGroup(group, lo).sync();
                cc.config().setLoopbackModeDisabled(true);
                assertTrue(cc.config().isLoopbackModeDisabled());
                Assumptions.abort("lo is not multicast-capable (no IPv6 multicast route); interface options, join and"
                        + " leave checked, send/receive not run: Pollen's tests never multicast over a real NIC");
            }
            sc.writeAndFlush(new DatagramPacket(Unpooled.copyInt(1), group)).sync();
            Integer first = receiver.received.poll(10, TimeUnit.SECONDS);
            assertEquals(1, first);

            cc.leaveGroup(group, lo).sync();
            Thread.sleep(200);
            sc.writeAndFlush(new DatagramPacket(Unpooled.copyInt(2), group)).sync();
            Integer late = receiver.received.poll(1, TimeUnit.SECONDS);
            assertNull(late, "received after leaving the group (or a duplicate): " + late);

            cc.config().setLoopbackModeDisabled(false);
            sc.config().setLoopbackModeDisabled(false);
            assertFalse(cc.config().isLoopbackModeDisabled());
            assertFalse(sc.config().isLoopbackModeDisabled());
            cc.config().setLoopbackModeDisabled(true);
            sc.config().setLoopbackModeDisabled(true);
            assertTrue(cc.config().isLoopbackModeDisabled());
            assertTrue(sc.config().isLoopbackModeDisabled());
        } finally {
            sc.close().awaitUninterruptibly();
            if (cc != null) {
                cc.close().awaitUninterruptibly();
            }
        }
    }

    @ChannelHandler.Sharable
    private static final class Receiver extends SimpleChannelInboundHandler<DatagramPacket> {
        final LinkedBlockingQueue<Integer> received = new LinkedBlockingQueue<>();

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket msg) {
            received.add(msg.content().readInt());
        }
    }
}
