package dev.pollen.channel.epoll;

import dev.pollen.channel.PollenChannelOption;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketProtocolFamily;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.NetworkInterface;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EpollDatagramConfigTest {

    private static EpollDatagramChannel channel(SocketProtocolFamily family) {
        Epoll.ensureAvailability();
        return family == null ? new EpollDatagramChannel() : new EpollDatagramChannel(family);
    }

    @Test
    void optionsRoundTrip() throws Exception {
        for (SocketProtocolFamily family : new SocketProtocolFamily[] {null, SocketProtocolFamily.INET,
                SocketProtocolFamily.INET6}) {
            EpollDatagramChannel ch = channel(family);
            try {
                EpollDatagramChannelConfig c = ch.config();
                assertTrue(c.setOption(ChannelOption.SO_BROADCAST, true));
                assertTrue(c.getOption(ChannelOption.SO_BROADCAST));
                c.setOption(ChannelOption.SO_BROADCAST, false);
                assertFalse(c.getOption(ChannelOption.SO_BROADCAST));
                c.setOption(ChannelOption.SO_RCVBUF, 65536);
                assertTrue(c.getOption(ChannelOption.SO_RCVBUF) >= 65536);
                c.setOption(ChannelOption.SO_SNDBUF, 32768);
                assertTrue(c.getOption(ChannelOption.SO_SNDBUF) >= 32768);
                c.setOption(ChannelOption.SO_REUSEADDR, true);
                assertTrue(c.getOption(ChannelOption.SO_REUSEADDR));
                c.setOption(PollenChannelOption.SO_REUSEPORT, true);
                assertTrue(c.getOption(PollenChannelOption.SO_REUSEPORT));
                c.setOption(ChannelOption.IP_TOS, 0x10);
                assertEquals(0x10, c.getOption(ChannelOption.IP_TOS));
                c.setOption(ChannelOption.IP_MULTICAST_LOOP_DISABLED, true);
                assertTrue(c.getOption(ChannelOption.IP_MULTICAST_LOOP_DISABLED));
                c.setOption(ChannelOption.IP_MULTICAST_LOOP_DISABLED, false);
                assertFalse(c.isLoopbackModeDisabled());
                c.setOption(ChannelOption.IP_MULTICAST_TTL, 7);
                assertEquals(7, c.getOption(ChannelOption.IP_MULTICAST_TTL));
                NetworkInterface lo = NetworkInterface.getByName("lo");
                c.setOption(ChannelOption.IP_MULTICAST_IF, lo);
                assertEquals(lo, c.getOption(ChannelOption.IP_MULTICAST_IF));
                assertEquals(lo, NetworkInterface.getByInetAddress(c.getInterface()));
                c.setOption(PollenChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, 1500);
                assertEquals(1500, c.getOption(PollenChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE));
                c.setOption(EpollChannelOption.IP_RECVORIGDSTADDR, true);
                assertTrue(c.getOption(EpollChannelOption.IP_RECVORIGDSTADDR));
                c.setOption(EpollChannelOption.IP_FREEBIND, true);
                assertTrue(c.getOption(EpollChannelOption.IP_FREEBIND));
                c.setOption(EpollChannelOption.IP_MULTICAST_ALL, false);
                assertFalse(c.getOption(EpollChannelOption.IP_MULTICAST_ALL));
                c.setOption(EpollChannelOption.IP_MULTICAST_ALL, true);
                assertTrue(c.getOption(EpollChannelOption.IP_MULTICAST_ALL));
                if (EpollDatagramChannel.isUdpGroSupported()) {
                    c.setOption(EpollChannelOption.UDP_GRO, true);
                    assertTrue(c.getOption(EpollChannelOption.UDP_GRO));
                } else {
                    assertThrows(ChannelException.class, () -> c.setOption(EpollChannelOption.UDP_GRO, true));
                }
                // IP_TRANSPARENT needs CAP_NET_ADMIN: either it sticks or the refusal names the call.
                try {
                    c.setOption(EpollChannelOption.IP_TRANSPARENT, true);
                    assertTrue(c.getOption(EpollChannelOption.IP_TRANSPARENT));
                } catch (ChannelException e) {
                    assertTrue(e.getCause().getMessage().startsWith("setsockopt(..) failed"), e.toString());
                }
                c.setOption(ChannelOption.DATAGRAM_CHANNEL_ACTIVE_ON_REGISTRATION, true);
                assertTrue(c.getOption(ChannelOption.DATAGRAM_CHANNEL_ACTIVE_ON_REGISTRATION));
                assertTrue(c.getOptions().containsKey(EpollChannelOption.UDP_GRO));
            } finally {
                ch.unsafe().closeForcibly();
            }
        }
    }

    @Test
    void ipv4ChannelTakesOnlyIPv4MulticastAddress() throws Exception {
        EpollDatagramChannel ch = channel(SocketProtocolFamily.INET);
        try {
            ch.config().setInterface(InetAddress.getByName("127.0.0.1"));
            assertEquals(InetAddress.getByName("127.0.0.1"), ch.config().getInterface());
            assertThrows(IllegalArgumentException.class, () -> ch.config().setInterface(InetAddress.getByName("::1")));
        } finally {
            ch.unsafe().closeForcibly();
        }
        assertNull(channel(SocketProtocolFamily.INET).config().getNetworkInterface());
    }

    @Test
    void absurdValuesAreRejected() {
        EpollDatagramChannel ch = channel(null);
        try {
            EpollDatagramChannelConfig c = ch.config();
            assertMessage(assertThrows(IllegalArgumentException.class, () -> c.setOption(ChannelOption.SO_RCVBUF, 0)),
                    "SO_RCVBUF");
            assertMessage(assertThrows(IllegalArgumentException.class, () -> c.setOption(ChannelOption.SO_SNDBUF, -1)),
                    "SO_SNDBUF");
            assertMessage(assertThrows(IllegalArgumentException.class, () -> c.setOption(ChannelOption.IP_TOS, 256)),
                    "IP_TOS");
            assertMessage(assertThrows(IllegalArgumentException.class,
                    () -> c.setOption(ChannelOption.IP_MULTICAST_TTL, 300)), "IP_MULTICAST_TTL");
            assertMessage(assertThrows(IllegalArgumentException.class,
                    () -> c.setOption(ChannelOption.IP_MULTICAST_TTL, -1)), "IP_MULTICAST_TTL");
            assertMessage(assertThrows(IllegalArgumentException.class,
                    () -> c.setOption(PollenChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, -1)), "MAX_DATAGRAM_PAYLOAD_SIZE");
            assertMessage(assertThrows(IllegalArgumentException.class,
                    () -> c.setOption(PollenChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, 1 << 20)),
                    "MAX_DATAGRAM_PAYLOAD_SIZE");
            assertThrows(NullPointerException.class, () -> c.setNetworkInterface(null));
        } finally {
            ch.unsafe().closeForcibly();
        }
        // Options of a closed channel fail with a ChannelException, not a crash.
        assertThrows(ChannelException.class, () -> ch.config().getOption(ChannelOption.IP_MULTICAST_TTL));
        assertThrows(ChannelException.class, () -> ch.config().getOption(ChannelOption.SO_RCVBUF));
    }

    @Test
    void capabilitiesAreStable() {
        Epoll.ensureAvailability();
        assertEquals(EpollDatagramChannel.isSegmentedDatagramPacketSupported(),
                EpollDatagramChannel.isSegmentedDatagramPacketSupported());
        assertEquals(EpollDatagramChannel.isUdpGroSupported(), EpollDatagramChannel.isUdpGroSupported());
    }

    private static void assertMessage(IllegalArgumentException e, String option) {
        assertTrue(e.getMessage().contains(option), e.getMessage());
    }
}
