/**
 * Vert.x 5.0 on Pollen's transports: {@code Vertx.builder().withTransport(PollenVertx.transport()).build()}.
 * {@link dev.pollen.vertx.PollenVertx} is the entry point, {@link dev.pollen.vertx.PollenVertxTransport}
 * the transport Vert.x is given (which Pollen transport, or NIO and why). This package is API.
 */
package dev.pollen.vertx;
