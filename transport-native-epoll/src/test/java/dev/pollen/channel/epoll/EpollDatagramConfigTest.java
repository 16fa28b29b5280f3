package dev.pollen.channel.epoll;

import io.netty.channel.ChannelException;
import io.netty.channel.socket.SocketProtocolFamily;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EpollDatagramConfigTest {

    private static EpollDatagramChannel channel(SocketProtocolFamily family) {
        Epoll.ensureAvailability();
        return family == null ? new EpollDatagramChannel() : new EpollDatagramChannel(family);
    }

    /** Linux's own datagram options, for every family; the portable ones are testsuite's DatagramChannelConfigTest. */
    @Test
    void linuxOptionsRoundTrip() throws Exception {
        for (SocketProtocolFamily family : new SocketProtocolFamily[] {null, SocketProtocolFamily.INET,
                SocketProtocolFamily.INET6}) {
            EpollDatagramChannel ch = channel(family);
            try {
                EpollDatagramChannelConfig c = ch.config();
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
                assertTrue(c.getOptions().containsKey(EpollChannelOption.UDP_GRO));
            } finally {
                ch.unsafe().closeForcibly();
            }
        }
    }

    @Test
    void capabilitiesAreStable() {
        Epoll.ensureAvailability();
        assertEquals(EpollDatagramChannel.isSegmentedDatagramPacketSupported(),
                EpollDatagramChannel.isSegmentedDatagramPacketSupported());
        assertEquals(EpollDatagramChannel.isUdpGroSupported(), EpollDatagramChannel.isUdpGroSupported());
    }
}
