package dev.pollen.channel.kqueue;

import dev.pollen.channel.core.PollerBackend;
import dev.pollen.transport.PollenTransport;

/**
 * Pollen's kqueue transport as a {@link dev.pollen.transport.Transport}: TCP, UDP, Unix domain stream
 * and datagram channels, sendfile (FreeBSD, macOS). Usually reached through {@code Transport.select()}.
 */
public final class KQueueTransport extends PollenTransport {
    public KQueueTransport() {
        super("kqueue", KQueueIoHandler::newFactory, KQueueIoHandler.class, KQueueSocketChannel.class,
                KQueueServerSocketChannel.class, KQueueDatagramChannel.class, KQueueDatagramChannel::new,
                KQueueDomainSocketChannel.class, KQueueServerDomainSocketChannel.class, KQueueDomainDatagramChannel.class,
                true);
    }

    @Override
    public Throwable unavailabilityCause() {
        return KQueue.unavailabilityCause();
    }

    @Override
    protected PollerBackend backend() {
        return KQueueNative.INSTANCE;
    }
}
