package dev.pollen.channel.kqueue;

import dev.pollen.channel.core.AbstractPollenServerChannel;
import dev.pollen.channel.core.PollenSocket;
import io.netty.channel.Channel;
import io.netty.channel.socket.ServerSocketChannel;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/** A listening TCP socket on Pollen's kqueue transport. */
public final class KQueueServerSocketChannel extends AbstractPollenServerChannel implements ServerSocketChannel {
    private final KQueueServerSocketChannelConfig config;

    public KQueueServerSocketChannel() {
        this(PollenSocket.newStreamSocket());
    }

    private KQueueServerSocketChannel(PollenSocket socket) {
        super(socket, KQueueIoHandler.class);
        config = new KQueueServerSocketChannelConfig(this, socket);
    }

    @Override
    protected Channel newChildChannel(PollenSocket child, SocketAddress remote) {
        return new KQueueSocketChannel(this, child, (InetSocketAddress) remote);
    }

    @Override
    protected int backlog() {
        return config.getBacklog();
    }

    @Override
    public KQueueServerSocketChannelConfig config() {
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
