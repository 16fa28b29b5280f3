package dev.pollen.channel.epoll;

import dev.pollen.channel.core.AbstractPollenStreamChannel;
import dev.pollen.channel.core.PollenSocket;
import dev.pollen.channel.core.PollenSocketChannelConfig;
import io.netty.channel.Channel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;

import java.net.InetSocketAddress;

/** A TCP connection on Pollen's epoll transport. */
public final class EpollSocketChannel extends AbstractPollenStreamChannel implements SocketChannel {
    private final PollenSocketChannelConfig config;

    public EpollSocketChannel() {
        this(PollenSocket.newStreamSocket());
    }

    private EpollSocketChannel(PollenSocket socket) {
        super(null, socket, EpollIoHandler.class, false);
        config = new PollenSocketChannelConfig(this, socket);
    }

    EpollSocketChannel(Channel parent, PollenSocket socket, InetSocketAddress remote) {
        super(parent, socket, EpollIoHandler.class, remote);
        config = new PollenSocketChannelConfig(this, socket);
    }

    @Override
    public PollenSocketChannelConfig config() {
        return config;
    }

    @Override
    public ServerSocketChannel parent() {
        return (ServerSocketChannel) super.parent();
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) super.localAddress();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return (InetSocketAddress) super.remoteAddress();
    }
}
