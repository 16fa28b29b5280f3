package dev.pollen.channel.kqueue;

import dev.pollen.channel.core.AbstractPollenDomainDatagramChannel;

/**
 * A Unix domain datagram socket on Pollen's kqueue transport: reads and writes
 * {@link dev.pollen.channel.DomainDatagramPacket}s addressed with {@link java.net.UnixDomainSocketAddress}.
 */
public final class KQueueDomainDatagramChannel extends AbstractPollenDomainDatagramChannel {
    public KQueueDomainDatagramChannel() {
        super(KQueueIoHandler.class);
    }
}
