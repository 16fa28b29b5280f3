package dev.pollen.channel.epoll;

import dev.pollen.channel.core.AbstractPollenServerChannel;
import dev.pollen.channel.core.PollenSocket;
import io.netty.channel.Channel;
import io.netty.channel.socket.ServerSocketChannel;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/** A listening TCP socket on Pollen's epoll transport. */
public final class EpollServerSocketChannel extends AbstractPollenServerChannel implements ServerSocketChannel {
    private final EpollServerSocketChannelConfig config;

    public EpollServerSocketChannel() {
        this(PollenSocket.newStreamSocket());
    }

    private EpollServerSocketChannel(PollenSocket socket) {
        super(socket, EpollIoHandler.class);
        config = new EpollServerSocketChannelConfig(this, socket);
    }

    @Override
    protected Channel newChildChannel(PollenSocket child, SocketAddress remote) {
        return new EpollSocketChannel(this, child, (InetSocketAddress) remote);
    }

    @Override
    protected int backlog() {
        return config.getBacklog();
    }

    @Override
    public EpollServerSocketChannelConfig config() {
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
