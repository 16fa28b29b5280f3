package dev.pollen.channel.epoll;

import dev.pollen.channel.core.AbstractPollenDatagramChannel;
import dev.pollen.channel.core.PollenSocket;
import io.netty.channel.socket.InternetProtocolFamily;
import io.netty.channel.socket.SocketProtocolFamily;

/**
 * A UDP channel on Pollen's epoll transport. Without a protocol family the socket is dual-stack
 * IPv6 where the host allows it ({@link PollenSocket#useIPv6()}), so IPv4 peers appear as plain
 * IPv4 addresses. Sends {@link dev.pollen.channel.SegmentedDatagramPacket} with UDP GSO
 * where {@link #isSegmentedDatagramPacketSupported()}; with {@link EpollChannelOption#UDP_GRO}
 * on, coalesced datagrams are split again before they reach the pipeline (give the channel
 * receive buffers of 64 KiB, e.g. a {@code FixedRecvByteBufAllocator(65536)}, or they are cut short).
 */
public final class EpollDatagramChannel extends AbstractPollenDatagramChannel {
    private final EpollDatagramChannelConfig config;

    public EpollDatagramChannel() {
        this((SocketProtocolFamily) null);
    }

    /** @deprecated use {@link #EpollDatagramChannel(SocketProtocolFamily)} */
    @Deprecated
    public EpollDatagramChannel(InternetProtocolFamily family) {
        this(family == null ? null : family.toSocketProtocolFamily());
    }

    public EpollDatagramChannel(SocketProtocolFamily family) {
        this(newSocket(family));
    }

    private EpollDatagramChannel(PollenSocket socket) {
        super(EpollIoHandler.class, socket);
        config = new EpollDatagramChannelConfig(this, socket);
    }

    private static PollenSocket newSocket(SocketProtocolFamily family) {
        Epoll.ensureAvailability();
        return newDatagramSocket(family);
    }

    @Override
    public EpollDatagramChannelConfig config() {
        return config;
    }

    /** True if this kernel sends {@link dev.pollen.channel.SegmentedDatagramPacket} (UDP GSO); probed once. */
    public static boolean isSegmentedDatagramPacketSupported() {
        return Epoll.isAvailable() && gsoSupported();
    }

    /** True if this kernel accepts {@link EpollChannelOption#UDP_GRO}; probed once. */
    public static boolean isUdpGroSupported() {
        return Epoll.isAvailable() && groSupported();
    }
}
