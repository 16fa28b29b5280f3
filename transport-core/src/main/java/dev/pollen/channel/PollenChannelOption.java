package dev.pollen.channel;

import io.netty.channel.ChannelOption;

/**
 * Socket options beyond {@link ChannelOption} that every Pollen transport understands where the
 * platform has them; each transport re-exports them (e.g. {@code EpollChannelOption}).
 */
public class PollenChannelOption<T> extends ChannelOption<T> {
    public static final ChannelOption<Boolean> SO_REUSEPORT = valueOf(PollenChannelOption.class, "SO_REUSEPORT");
    /** Seconds of idleness before TCP keep-alive probes start. */
    public static final ChannelOption<Integer> TCP_KEEPIDLE = valueOf(PollenChannelOption.class, "TCP_KEEPIDLE");
    /** Seconds between TCP keep-alive probes. */
    public static final ChannelOption<Integer> TCP_KEEPINTVL = valueOf(PollenChannelOption.class, "TCP_KEEPINTVL");
    /** Unanswered probes before the connection is dropped. */
    public static final ChannelOption<Integer> TCP_KEEPCNT = valueOf(PollenChannelOption.class, "TCP_KEEPCNT");
    /** Milliseconds transmitted data may stay unacknowledged before the connection is dropped. */
    public static final ChannelOption<Integer> TCP_USER_TIMEOUT =
            valueOf(PollenChannelOption.class, "TCP_USER_TIMEOUT");

    /**
     * Largest datagram expected; when above 0, datagram reads scatter into several datagrams per
     * system call (recvmmsg where the platform has it).
     */
    public static final ChannelOption<Integer> MAX_DATAGRAM_PAYLOAD_SIZE =
            valueOf(PollenChannelOption.class, "MAX_DATAGRAM_PAYLOAD_SIZE");
    /**
     * Whether what a stream channel flushes while its event loop handles a batch's reads
     * (channelRead, channelReadComplete) is written at the end of that batch, with the other
     * channels' writes, rather than at once (default true). Back-to-back writes mostly find the
     * peer already awake instead of waking it once per write, and several flushes of one channel
     * in a batch become one system call; the price is that a write waits until the rest of the
     * batch has been handled. A close or output shutdown writes what was flushed before it first;
     * other flushes (from tasks or other threads, in channelActive after a connect, when the
     * socket drains, or with 16 KiB or more pending, where copying outweighs the wake-up) are
     * written at once. A batch is one wait's ready events, or a slice of 32 of them where the wait
     * returned more ({@code PollenIoHandler.EVENTS_PER_SLICE}).
     */
    public static final ChannelOption<Boolean> WRITE_BATCHING = valueOf(PollenChannelOption.class, "WRITE_BATCHING");
    /** Whether a domain stream channel reads bytes or passed file descriptors. */
    public static final ChannelOption<DomainSocketReadMode> DOMAIN_SOCKET_READ_MODE =
            valueOf(PollenChannelOption.class, "DOMAIN_SOCKET_READ_MODE");

    @SuppressWarnings({"unused", "deprecation"})
    protected PollenChannelOption() {
        super(null);
    }
}
