/**
 * What a Pollen user touches beside the channels of one transport, the same for epoll, kqueue and
 * wepoll: the channel options beyond Netty's ({@link dev.pollen.channel.PollenChannelOption},
 * {@link dev.pollen.channel.IntegerSocketOption}, {@link dev.pollen.channel.RawSocketOption}), the
 * datagram packets ({@link dev.pollen.channel.SegmentedDatagramPacket},
 * {@link dev.pollen.channel.DomainDatagramPacket}), Unix domain socket types
 * ({@link dev.pollen.channel.AbstractNamespaceAddress}, {@link dev.pollen.channel.PeerCredentials},
 * {@link dev.pollen.channel.FileDescriptor}, {@link dev.pollen.channel.DomainSocketReadMode}) and the
 * exception a failed system call raises ({@link dev.pollen.channel.NativeIoException}).
 *
 * <p>The channels and loops are in each transport's package ({@code dev.pollen.channel.epoll},
 * {@code dev.pollen.channel.kqueue}, {@code dev.pollen.channel.wepoll}); choosing among them is
 * {@link dev.pollen.transport.Transport}'s work.
 */
package dev.pollen.channel;
