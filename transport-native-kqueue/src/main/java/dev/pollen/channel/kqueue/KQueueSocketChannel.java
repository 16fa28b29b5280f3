package dev.pollen.channel.kqueue;

import dev.pollen.channel.core.AbstractPollenStreamChannel;
import dev.pollen.channel.core.PollenSocket;
import io.netty.channel.Channel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;

import java.net.InetSocketAddress;

/** A TCP connection on Pollen's kqueue transport. */
public final class KQueueSocketChannel extends AbstractPollenStreamChannel implements SocketChannel {
    private final KQueueSocketChannelConfig config;

    public KQueueSocketChannel() {
        this(PollenSocket.newStreamSocket());
    }

    private KQueueSocketChannel(PollenSocket socket) {
        super(null, socket, KQueueIoHandler.class, false);
        config = new KQueueSocketChannelConfig(this, socket);
    }

    KQueueSocketChannel(Channel parent, PollenSocket socket, InetSocketAddress remote) {
        super(parent, socket, KQueueIoHandler.class, remote);
        config = new KQueueSocketChannelConfig(this, socket);
    }

    @Override
    public KQueueSocketChannelConfig config() {
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
