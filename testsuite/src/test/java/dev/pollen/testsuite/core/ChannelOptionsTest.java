package dev.pollen.testsuite.core;

import dev.pollen.testsuite.PollenTransports;
import dev.pollen.testsupport.TransportTestSupport;
import dev.pollen.transport.Transport;
import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelOption;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The options of every channel type of the transport under test: each option {@code getOptions()}
 * reports reads back the same through {@code getOption} and is accepted again by {@code setOption};
 * options the channel does not know fall through to Netty's {@code DefaultChannelConfig}.
 */
class ChannelOptionsTest {
    /** The transport under test (-Dpollen.testsuite.transport). */
    private static final Transport T = PollenTransports.transport();

    /** The kernel rounds these (Linux doubles them), so only their acceptance is checked. */
    private static final Set<ChannelOption<?>> ROUNDED = Set.of(ChannelOption.SO_RCVBUF, ChannelOption.SO_SNDBUF);

    /** An option no config knows. */
    private static final ChannelOption<String> UNKNOWN = ChannelOption.valueOf(ChannelOptionsTest.class, "UNKNOWN");

    /** A kind of channel, with an option that only other kinds have and a valid value for that option. */
    record Kind(String name, ChannelFactory<? extends Channel> factory, ChannelOption<?> foreign, Object value) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Kind> kinds() {
        List<Kind> all = new ArrayList<>();
        all.add(new Kind("socket", T.socketChannelFactory(), ChannelOption.SO_BACKLOG, 1));
        all.add(new Kind("server socket", T.serverSocketChannelFactory(), ChannelOption.TCP_NODELAY, true));
        all.add(new Kind("datagram", T.datagramChannelFactory(), ChannelOption.SO_KEEPALIVE, true));
        if (T.supportsDomainSockets()) {
            all.add(new Kind("domain socket", T.domainSocketChannelFactory(), ChannelOption.IP_TOS, 1));
            all.add(new Kind("server domain socket", T.serverDomainSocketChannelFactory(), ChannelOption.SO_SNDBUF,
                    4096));
        }
        if (T.supportsDomainDatagrams()) {
            all.add(new Kind("domain datagram", T.domainDatagramChannelFactory(), ChannelOption.SO_BROADCAST, true));
        }
        return all;
    }

    /** Runs {@code test} on the config of a new, unregistered channel of this kind, then closes the channel. */
    private static void withConfig(Kind kind, Consumer<ChannelConfig> test) {
        TransportTestSupport.withNewChannel(kind.factory(), ch -> test.accept(ch.config()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    @SuppressWarnings("unchecked")
    void everyReportedOptionRoundTrips(Kind kind) {
        withConfig(kind, c -> {
            Map<ChannelOption<?>, Object> options = c.getOptions();
            assertTrue(options.containsKey(ChannelOption.AUTO_READ), kind + ": Netty's own options are missing");
            options.forEach((option, value) -> assertEquals(value, c.getOption(option), kind + ": " + option));
            for (ChannelOption<?> key : options.keySet()) {
                ChannelOption<Object> option = (ChannelOption<Object>) key;
                Object value = c.getOption(option); // afresh: setting one water mark replaces WRITE_BUFFER_WATER_MARK
                assertThrows(NullPointerException.class, () -> c.setOption(option, null), kind + ": " + option);
                if (value == null) {
                    continue; // an unset multicast interface: there is no null to set
                }
                assertTrue(c.setOption(option, value), kind + ": " + option + " not accepted");
                if (!ROUNDED.contains(option)) {
                    assertEquals(value, c.getOption(option), kind + ": " + option + " after setOption");
                }
            }
            assertEquals(options.keySet(), c.getOptions().keySet(), kind.name());
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    @SuppressWarnings("unchecked")
    void unknownOptionsFallToTheDefaultConfig(Kind kind) {
        withConfig(kind, c -> {
            assertNull(c.getOption(UNKNOWN), kind.name());
            assertFalse(c.setOption(UNKNOWN, "x"), kind.name());
            assertFalse(c.getOptions().containsKey(UNKNOWN), kind.name());
            // An option of another kind of channel is unknown here too.
            ChannelOption<Object> foreign = (ChannelOption<Object>) kind.foreign();
            assertFalse(c.getOptions().containsKey(foreign), kind + ": " + foreign);
            assertNull(c.getOption(foreign), kind + ": " + foreign);
            assertFalse(c.setOption(foreign, kind.value()), kind + ": " + foreign);
            assertThrows(NullPointerException.class, () -> c.getOption(null), kind.name());
            assertThrows(NullPointerException.class, () -> c.setOption(null, "x"), kind.name());
        });
    }
}
