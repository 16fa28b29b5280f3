package dev.pollen.vertx;

import dev.pollen.transport.Transport;

/**
 * Vert.x 5.0 on Pollen, in one line:
 * <pre>{@code
 * Vertx vertx = Vertx.builder().withTransport(PollenVertx.transport()).build();
 * }</pre>
 * Vert.x's event loops then run on the best Pollen transport here (epoll on Linux, kqueue on macOS
 * and FreeBSD, wepoll on Windows), and its TCP, HTTP, UDP and Unix domain socket servers and clients
 * use Pollen's channels. Where no Pollen transport can be used, Vert.x runs on its own NIO transport
 * and {@link PollenVertxTransport#reason()} says why; the system property {@code pollen.transport}
 * ({@code auto}, {@code nio}, {@code epoll}, {@code kqueue}, {@code wepoll}) forces a choice.
 * <p>
 * For Vert.x 5.0.x: Vert.x 5.1 changed the transport SPI this adapter implements.
 */
public final class PollenVertx {
    private PollenVertx() {
    }

    /**
     * The transport {@link Transport#select()} chooses, for {@code VertxBuilder.withTransport(..)}:
     * a Pollen transport, else Vert.x's NIO transport with the reason.
     */
    public static PollenVertxTransport transport() {
        return new PollenVertxTransport(Transport.select());
    }

    /**
     * This transport, for {@code VertxBuilder.withTransport(..)}: e.g. {@code Transport.require()} to
     * fail rather than fall back, or {@code Transport.nio()}. A Pollen transport that cannot be used
     * here is reported unavailable, and Vert.x then runs on NIO as it does for its own transports.
     */
    public static PollenVertxTransport transport(Transport transport) {
        return new PollenVertxTransport(transport);
    }
}
