package dev.pollen.vertx;

import dev.pollen.transport.Transport;

import java.util.Objects;

/**
 * A Pollen {@link Transport} as a Vert.x transport, for {@code VertxBuilder.withTransport(..)}; made
 * by {@link PollenVertx#transport()}. For a Pollen transport, {@link #implementation()} gives Vert.x
 * Pollen's event loops and channels and applies the options Vert.x applies to Netty's native
 * transports (see {@link #implementation()}); for NIO it is Vert.x's own NIO transport, so Vert.x
 * behaves exactly as without this adapter.
 */
public final class PollenVertxTransport implements io.vertx.core.transport.Transport {
    private final Transport transport;
    private final io.vertx.core.spi.transport.Transport implementation;

    PollenVertxTransport(Transport transport) {
        this.transport = Objects.requireNonNull(transport, "transport");
        this.implementation = transport.isPollen()
                ? new PollenSpiTransport(transport)
                : io.vertx.core.transport.Transport.NIO.implementation();
    }

    /** {@code pollen-epoll}, {@code pollen-kqueue}, {@code pollen-wepoll}, or {@code nio}. */
    @Override
    public String name() {
        return transport.isPollen() ? "pollen-" + transport.name() : transport.name();
    }

    /** True if Vert.x can run on it; if not, Vert.x runs on NIO and keeps {@link #unavailabilityCause()}. */
    @Override
    public boolean available() {
        return transport.isAvailable();
    }

    @Override
    public Throwable unavailabilityCause() {
        return transport.unavailabilityCause();
    }

    /**
     * What Vert.x runs on. For a Pollen transport: its {@code IoHandlerFactory}; its TCP, UDP (of the
     * family Vert.x asks for) and Unix domain stream channels; and the options Vert.x 5.0 sets for
     * Netty's native transports, set through Pollen's options where the Pollen transport has them:
     * <ul>
     * <li>{@code SO_REUSEPORT} for TCP listeners and UDP sockets (epoll, kqueue);</li>
     * <li>{@code TCP_FASTOPEN} (queue of 256, Vert.x's default) for listeners, {@code TCP_QUICKACK}
     *     and {@code TCP_CORK} for accepted and client connections, {@code TCP_USER_TIMEOUT} for
     *     client connections (epoll);</li>
     * <li>{@code TCP_FASTOPEN_CONNECT} for client connections (epoll, kqueue);</li>
     * <li>the UDP multicast options (loopback, time to live, interface), which Vert.x applies only to
     *     its NIO transport: Pollen's UDP channels have them.</li>
     * </ul>
     * For NIO: Vert.x's own NIO transport.
     */
    @Override
    public io.vertx.core.spi.transport.Transport implementation() {
        return implementation;
    }

    /** The Pollen transport (or NIO) behind this one. */
    public Transport pollenTransport() {
        return transport;
    }

    /** True if Vert.x runs on a Pollen transport, false for NIO. */
    public boolean isPollen() {
        return transport.isPollen() && transport.isAvailable();
    }

    /** Why this transport was chosen: "available", "forced by -Dpollen.transport=..", or why NIO. */
    public String reason() {
        return transport.reason();
    }

    @Override
    public String toString() {
        return "Vert.x transport " + name() + " (" + reason() + ")";
    }
}
