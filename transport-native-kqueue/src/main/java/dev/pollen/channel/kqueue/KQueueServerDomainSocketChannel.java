package dev.pollen.channel.kqueue;

import dev.pollen.channel.core.AbstractPollenServerDomainSocketChannel;
import dev.pollen.channel.core.PollenSocket;
import io.netty.channel.Channel;
import io.netty.channel.ServerChannel;

import java.net.SocketAddress;

/** A listening Unix domain stream socket on Pollen's kqueue transport; accepts {@link KQueueDomainSocketChannel}s. */
public final class KQueueServerDomainSocketChannel extends AbstractPollenServerDomainSocketChannel
        implements ServerChannel {
    public KQueueServerDomainSocketChannel() {
        super(KQueueIoHandler.class);
    }

    @Override
    protected Channel newChildChannel(PollenSocket child, SocketAddress remote) {
        return new KQueueDomainSocketChannel(this, child);
    }
}
