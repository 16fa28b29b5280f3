package dev.pollen.channel.wepoll;

import dev.pollen.channel.core.AbstractPollenServerChannel;
import dev.pollen.channel.core.PollenSocket;
import io.netty.channel.Channel;
import io.netty.channel.socket.ServerSocketChannel;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/** A listening TCP socket on Pollen's wepoll transport. */
public final class WepollServerSocketChannel extends AbstractPollenServerChannel implements ServerSocketChannel {
    private final WepollServerSocketChannelConfig config;

    public WepollServerSocketChannel() {
        this(newSocket());
    }

    private WepollServerSocketChannel(PollenSocket socket) {
        super(socket, WepollIoHandler.class);
        config = new WepollServerSocketChannelConfig(this, socket);
    }

    static PollenSocket newSocket() {
        Wepoll.ensureAvailability();
        return PollenSocket.newStreamSocket();
    }

    @Override
    protected Channel newChildChannel(PollenSocket child, SocketAddress remote) {
        return new WepollSocketChannel(this, child, (InetSocketAddress) remote);
    }

    @Override
    protected int backlog() {
        return config.getBacklog();
    }

    @Override
    public WepollServerSocketChannelConfig config() {
        return config;
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) super.localAddress();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return null;
    }
}
