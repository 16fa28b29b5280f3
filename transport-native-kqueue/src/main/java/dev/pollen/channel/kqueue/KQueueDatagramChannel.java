package dev.pollen.channel.kqueue;

import dev.pollen.channel.core.AbstractPollenDatagramChannel;
import dev.pollen.channel.core.PollenDatagramChannelConfig;
import dev.pollen.channel.core.PollenSocket;
import io.netty.channel.socket.InternetProtocolFamily;
import io.netty.channel.socket.SocketProtocolFamily;

/**
 * A UDP channel on Pollen's kqueue transport. Without a protocol family the socket is dual-stack
 * IPv6 where the host allows it ({@link PollenSocket#useIPv6()}), so IPv4 peers appear as plain
 * IPv4 addresses.
 */
public final class KQueueDatagramChannel extends AbstractPollenDatagramChannel {
    private final PollenDatagramChannelConfig config;

    public KQueueDatagramChannel() {
        this((SocketProtocolFamily) null);
    }

    /** @deprecated use {@link #KQueueDatagramChannel(SocketProtocolFamily)} */
    @Deprecated
    public KQueueDatagramChannel(InternetProtocolFamily family) {
        this(family == null ? null : family.toSocketProtocolFamily());
    }

    public KQueueDatagramChannel(SocketProtocolFamily family) {
        this(newSocket(family));
    }

    private KQueueDatagramChannel(PollenSocket socket) {
        super(KQueueIoHandler.class, socket);
        config = new PollenDatagramChannelConfig(this, socket);
    }

    private static PollenSocket newSocket(SocketProtocolFamily family) {
        KQueue.ensureAvailability();
        return newDatagramSocket(family);
    }

    @Override
    public PollenDatagramChannelConfig config() {
        return config;
    }
}
