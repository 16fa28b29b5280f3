/**
 * Choosing a transport: {@link dev.pollen.transport.Transport#select()} gives the best Pollen
 * transport for this OS and CPU, or Netty's NIO with the reason why not, with everything a
 * bootstrap or a framework needs (its {@link io.netty.channel.IoHandlerFactory}, channel classes
 * and factories, capabilities). This package is API.
 */
package dev.pollen.transport;
