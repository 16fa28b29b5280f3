package dev.pollen.channel.epoll;

import dev.pollen.channel.PollenChannelOption;
import io.netty.channel.ChannelOption;

import java.net.InetAddress;
import java.util.Map;

/**
 * Options of Pollen's epoll channels beyond {@link ChannelOption}. The portable ones
 * ({@code SO_REUSEPORT}, {@code TCP_KEEPIDLE}, {@code TCP_KEEPINTVL}, {@code TCP_KEEPCNT},
 * {@code TCP_USER_TIMEOUT}, {@code MAX_DATAGRAM_PAYLOAD_SIZE}, {@code DOMAIN_SOCKET_READ_MODE}) are
 * inherited from {@link PollenChannelOption}; the ones below exist on Linux only.
 */
public final class EpollChannelOption<T> extends PollenChannelOption<T> {
    /** Hold back partial segments until uncorked (TCP_CORK). */
    public static final ChannelOption<Boolean> TCP_CORK = valueOf(EpollChannelOption.class, "TCP_CORK");
    /** Send ACKs at once instead of delaying them (TCP_QUICKACK). */
    public static final ChannelOption<Boolean> TCP_QUICKACK = valueOf(EpollChannelOption.class, "TCP_QUICKACK");
    /** Unsent bytes above which the socket stops being writable (TCP_NOTSENT_LOWAT). */
    public static final ChannelOption<Long> TCP_NOTSENT_LOWAT =
            valueOf(EpollChannelOption.class, "TCP_NOTSENT_LOWAT");
    /** Seconds a listener waits for data before accepting (TCP_DEFER_ACCEPT). */
    public static final ChannelOption<Integer> TCP_DEFER_ACCEPT =
            valueOf(EpollChannelOption.class, "TCP_DEFER_ACCEPT");
    /** Listener's TCP fast open queue length; same as {@link ChannelOption#TCP_FASTOPEN}. */
    public static final ChannelOption<Integer> TCP_FASTOPEN = ChannelOption.TCP_FASTOPEN;
    /** Client sends its first data with the SYN; same as {@link ChannelOption#TCP_FASTOPEN_CONNECT}. */
    public static final ChannelOption<Boolean> TCP_FASTOPEN_CONNECT = ChannelOption.TCP_FASTOPEN_CONNECT;
    /** RFC 2385 MD5 signatures: peer address to key (TCP_MD5SIG). */
    public static final ChannelOption<Map<InetAddress, byte[]>> TCP_MD5SIG =
            valueOf(EpollChannelOption.class, "TCP_MD5SIG");
    /** Defer the port choice of a bind to connect time (IP_BIND_ADDRESS_NO_PORT). */
    public static final ChannelOption<Boolean> IP_BIND_ADDRESS_NO_PORT =
            valueOf(EpollChannelOption.class, "IP_BIND_ADDRESS_NO_PORT");
    /** Microseconds to busy-poll the device queue on reads (SO_BUSY_POLL). */
    public static final ChannelOption<Integer> SO_BUSY_POLL = valueOf(EpollChannelOption.class, "SO_BUSY_POLL");
    /** Bind to addresses not (yet) configured on this host (IP_FREEBIND). */
    public static final ChannelOption<Boolean> IP_FREEBIND = valueOf(EpollChannelOption.class, "IP_FREEBIND");
    /** Transparent proxying (IP_TRANSPARENT, needs CAP_NET_ADMIN). */
    public static final ChannelOption<Boolean> IP_TRANSPARENT = valueOf(EpollChannelOption.class, "IP_TRANSPARENT");
    /** Deliver each datagram's original destination address (IP_RECVORIGDSTADDR). */
    public static final ChannelOption<Boolean> IP_RECVORIGDSTADDR =
            valueOf(EpollChannelOption.class, "IP_RECVORIGDSTADDR");
    /** Receive coalesced UDP segments (UDP_GRO). */
    public static final ChannelOption<Boolean> UDP_GRO = valueOf(EpollChannelOption.class, "UDP_GRO");
    /** Receive multicast from every group joined on the host, not just this socket's (IP_MULTICAST_ALL). */
    public static final ChannelOption<Boolean> IP_MULTICAST_ALL = valueOf(EpollChannelOption.class, "IP_MULTICAST_ALL");

    private EpollChannelOption() {
    }
}
