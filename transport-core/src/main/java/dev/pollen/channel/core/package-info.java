/**
 * The machinery Pollen's transports share: the poller contract ({@link dev.pollen.channel.core.PollerBackend}),
 * the event loop's I/O handler ({@link dev.pollen.channel.core.PollenIoHandler}), the channel
 * implementations the transports subclass, the socket layer and the native library's loading.
 *
 * <p>This package is a service-provider interface for the {@code dev.pollen} transports, not an API:
 * its types are public because the transports live in other packages, and they may change in any
 * release. Applications use the transports' channels, {@link dev.pollen.channel} and
 * {@link dev.pollen.transport}. Two exceptions: the channel configuration classes
 * ({@code Pollen*ChannelConfig}) are the types a channel's {@code config()} returns, so their public
 * methods are API; and a {@link dev.pollen.channel.core.PollenIoHandler}'s counters
 * ({@code waitCount()}, {@code eventCount()}, {@code dumpInterestSet()}, ...) are there to be read
 * by whoever runs a loop.
 */
package dev.pollen.channel.core;
