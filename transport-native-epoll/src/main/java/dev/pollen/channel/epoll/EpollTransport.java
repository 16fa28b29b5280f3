package dev.pollen.channel.epoll;

import dev.pollen.channel.core.PollerBackend;
import dev.pollen.transport.PollenTransport;

/**
 * Pollen's epoll transport as a {@link dev.pollen.transport.Transport}: TCP, UDP, Unix domain stream
 * and datagram channels, sendfile. Usually reached through {@code Transport.select()}.
 */
public final class EpollTransport extends PollenTransport {
    public EpollTransport() {
        super("epoll", EpollIoHandler::newFactory, EpollIoHandler.class, EpollSocketChannel.class,
                EpollServerSocketChannel.class, EpollDatagramChannel.class, EpollDatagramChannel::new,
                EpollDomainSocketChannel.class, EpollServerDomainSocketChannel.class, EpollDomainDatagramChannel.class,
                true);
    }

    @Override
    public Throwable unavailabilityCause() {
        return Epoll.unavailabilityCause();
    }

    @Override
    protected PollerBackend backend() {
        return EpollNative.INSTANCE;
    }
}
