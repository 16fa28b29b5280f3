package dev.pollen.channel.epoll;

import dev.pollen.channel.core.AbstractPollenServerDomainSocketChannel;
import dev.pollen.channel.core.PollenSocket;
import io.netty.channel.Channel;
import io.netty.channel.ServerChannel;

import java.net.SocketAddress;

/** A listening Unix domain stream socket on Pollen's epoll transport; accepts {@link EpollDomainSocketChannel}s. */
public final class EpollServerDomainSocketChannel extends AbstractPollenServerDomainSocketChannel
        implements ServerChannel {
    public EpollServerDomainSocketChannel() {
        super(EpollIoHandler.class);
    }

    @Override
    protected Channel newChildChannel(PollenSocket child, SocketAddress remote) {
        return new EpollDomainSocketChannel(this, child);
    }
}
