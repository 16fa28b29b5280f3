package dev.pollen.testsuite.core;

import dev.pollen.channel.PollenChannelOption;
import dev.pollen.channel.core.PollenDatagramChannelConfig;
import dev.pollen.testsuite.PollenTransports;
import dev.pollen.transport.Transport;
import io.netty.channel.socket.DatagramChannel;
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

/** The datagram channel's options, of every family, on every transport. */
class DatagramChannelConfigTest {
    /** The transport under test (-Dpollen.testsuite.transport). */
    private static final Transport T = PollenTransports.transport();

    private static DatagramChannel channel(SocketProtocolFamily family) {
        return family == null ? T.datagramChannelFactory().newChannel() : T.datagramChannelFactory(family).newChannel();
    }

    private static PollenDatagramChannelConfig config(DatagramChannel ch) {
        return (PollenDatagramChannelConfig) ch.config();
    }

    @Test
    void optionsRoundTrip() throws Exception {
        for (SocketProtocolFamily family : new SocketProtocolFamily[] {null, SocketProtocolFamily.INET,
                SocketProtocolFamily.INET6}) {
            DatagramChannel ch = channel(family);
            try {
                PollenDatagramChannelConfig c = config(ch);
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
                c.setOption(ChannelOption.DATAGRAM_CHANNEL_ACTIVE_ON_REGISTRATION, true);
                assertTrue(c.getOption(ChannelOption.DATAGRAM_CHANNEL_ACTIVE_ON_REGISTRATION));
            } finally {
                ch.unsafe().closeForcibly();
            }
        }
    }

    @Test
    void ipv4ChannelTakesOnlyIPv4MulticastAddress() throws Exception {
        DatagramChannel ch = channel(SocketProtocolFamily.INET);
        try {
            config(ch).setInterface(InetAddress.getByName("127.0.0.1"));
            assertEquals(InetAddress.getByName("127.0.0.1"), config(ch).getInterface());
            assertThrows(IllegalArgumentException.class, () -> config(ch).setInterface(InetAddress.getByName("::1")));
        } finally {
            ch.unsafe().closeForcibly();
        }
        assertNull(config(channel(SocketProtocolFamily.INET)).getNetworkInterface());
    }

    @Test
    void absurdValuesAreRejected() {
        DatagramChannel ch = channel(null);
        try {
            PollenDatagramChannelConfig c = config(ch);
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

    private static void assertMessage(IllegalArgumentException e, String option) {
        assertTrue(e.getMessage().contains(option), e.getMessage());
    }
}
