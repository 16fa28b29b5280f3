package dev.pollen.channel.epoll;

import dev.pollen.channel.core.AbstractPollenDomainDatagramChannel;

/**
 * A Unix domain datagram socket on Pollen's epoll transport: reads and writes
 * {@link dev.pollen.channel.DomainDatagramPacket}s addressed with {@link java.net.UnixDomainSocketAddress} or
 * {@link dev.pollen.channel.AbstractNamespaceAddress}.
 */
public final class EpollDomainDatagramChannel extends AbstractPollenDomainDatagramChannel {
    public EpollDomainDatagramChannel() {
        super(EpollIoHandler.class);
    }
}
