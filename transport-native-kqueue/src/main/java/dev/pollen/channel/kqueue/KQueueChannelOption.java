package dev.pollen.channel.kqueue;

import dev.pollen.channel.PollenChannelOption;
import io.netty.channel.ChannelOption;

/**
 * Options of Pollen's kqueue channels beyond {@link ChannelOption}. The portable ones
 * ({@code SO_REUSEPORT}, {@code TCP_KEEPIDLE}, {@code TCP_KEEPINTVL}, {@code TCP_KEEPCNT},
 * {@code TCP_USER_TIMEOUT}, {@code MAX_DATAGRAM_PAYLOAD_SIZE}, {@code DOMAIN_SOCKET_READ_MODE}) are
 * inherited from {@link PollenChannelOption}; the ones below exist on macOS / FreeBSD only, and
 * setting or reading them anywhere else throws an {@link UnsupportedOperationException} saying so.
 */
public final class KQueueChannelOption<T> extends PollenChannelOption<T> {
    /** Hold back partial segments until the option is cleared or the buffer fills (TCP_NOPUSH). */
    public static final ChannelOption<Boolean> TCP_NOPUSH = valueOf(KQueueChannelOption.class, "TCP_NOPUSH");
    /** Free send-buffer bytes needed before the socket counts as writable (SO_SNDLOWAT). */
    public static final ChannelOption<Integer> SO_SNDLOWAT = valueOf(KQueueChannelOption.class, "SO_SNDLOWAT");
    /** FreeBSD accept filter of a listener (SO_ACCEPTFILTER), e.g. {@code new AcceptFilter("dataready", "")}. */
    public static final ChannelOption<AcceptFilter> SO_ACCEPTFILTER =
            valueOf(KQueueChannelOption.class, "SO_ACCEPTFILTER");

    private KQueueChannelOption() {
    }
}
