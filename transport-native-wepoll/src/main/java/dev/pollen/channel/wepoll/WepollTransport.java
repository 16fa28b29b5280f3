package dev.pollen.channel.wepoll;

import dev.pollen.channel.core.PollerBackend;
import dev.pollen.transport.PollenTransport;

/**
 * Pollen's wepoll transport (Windows) as a {@link dev.pollen.transport.Transport}: TCP and UDP; no Unix
 * domain channels, and file regions are copied (TransmitFile would block the loop). Usually reached
 * through {@code Transport.select()}.
 */
public final class WepollTransport extends PollenTransport {
    public WepollTransport() {
        super("wepoll", WepollIoHandler::newFactory, WepollIoHandler.class, WepollSocketChannel.class,
                WepollServerSocketChannel.class, WepollDatagramChannel.class, WepollDatagramChannel::new,
                null, null, null, false);
    }

    @Override
    public Throwable unavailabilityCause() {
        return Wepoll.unavailabilityCause();
    }

    @Override
    protected PollerBackend backend() {
        return WepollNative.INSTANCE;
    }
}
