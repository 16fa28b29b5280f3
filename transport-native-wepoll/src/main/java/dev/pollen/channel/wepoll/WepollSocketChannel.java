package dev.pollen.channel.wepoll;

import dev.pollen.channel.core.AbstractPollenStreamChannel;
import dev.pollen.channel.core.PollenSocket;
import dev.pollen.channel.core.PollenSocketChannelConfig;
import io.netty.channel.Channel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;

import java.net.InetSocketAddress;

/**
 * A TCP connection on Pollen's wepoll transport. Writes gather through WSASend; a
 * {@link io.netty.channel.DefaultFileRegion} is copied through the socket (Windows' TransmitFile
 * would block a non-blocking loop).
 */
public final class WepollSocketChannel extends AbstractPollenStreamChannel implements SocketChannel {
    private final PollenSocketChannelConfig config;

    public WepollSocketChannel() {
        this(WepollServerSocketChannel.newSocket());
    }

    private WepollSocketChannel(PollenSocket socket) {
        super(null, socket, WepollIoHandler.class, false);
        config = new PollenSocketChannelConfig(this, socket);
    }

    WepollSocketChannel(Channel parent, PollenSocket socket, InetSocketAddress remote) {
        super(parent, socket, WepollIoHandler.class, remote);
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
