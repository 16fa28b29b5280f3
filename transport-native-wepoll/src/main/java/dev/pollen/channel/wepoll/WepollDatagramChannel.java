package dev.pollen.channel.wepoll;

import dev.pollen.channel.core.AbstractPollenDatagramChannel;
import dev.pollen.channel.core.PollenDatagramChannelConfig;
import dev.pollen.channel.core.PollenSocket;
import io.netty.channel.socket.InternetProtocolFamily;
import io.netty.channel.socket.SocketProtocolFamily;

/**
 * A UDP channel on Pollen's wepoll transport. Without a protocol family the socket is dual-stack
 * IPv6 where the host allows it ({@link PollenSocket#useIPv6()}), so IPv4 peers appear as plain
 * IPv4 addresses.
 */
public final class WepollDatagramChannel extends AbstractPollenDatagramChannel {
    private final PollenDatagramChannelConfig config;

    public WepollDatagramChannel() {
        this((SocketProtocolFamily) null);
    }

    /** @deprecated use {@link #WepollDatagramChannel(SocketProtocolFamily)} */
    @Deprecated
    public WepollDatagramChannel(InternetProtocolFamily family) {
        this(family == null ? null : family.toSocketProtocolFamily());
    }

    public WepollDatagramChannel(SocketProtocolFamily family) {
        this(newSocket(family));
    }

    private WepollDatagramChannel(PollenSocket socket) {
        super(WepollIoHandler.class, socket);
        config = new PollenDatagramChannelConfig(this, socket);
    }

    private static PollenSocket newSocket(SocketProtocolFamily family) {
        Wepoll.ensureAvailability();
        return newDatagramSocket(family);
    }

    @Override
    public PollenDatagramChannelConfig config() {
        return config;
    }
}
