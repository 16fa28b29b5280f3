package dev.pollen.channel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.DefaultAddressedEnvelope;

import java.net.SocketAddress;

/**
 * A datagram over a Unix domain datagram socket: its content and the addresses it goes to and comes from
 * ({@link java.net.UnixDomainSocketAddress} or {@link AbstractNamespaceAddress}). A sender that never bound
 * shows as {@code UnixDomainSocketAddress.of("")}.
 */
public final class DomainDatagramPacket extends DefaultAddressedEnvelope<ByteBuf, SocketAddress>
        implements ByteBufHolder {

    /** A packet to send to {@code recipient}. */
    public DomainDatagramPacket(ByteBuf data, SocketAddress recipient) {
        super(data, recipient);
    }

    public DomainDatagramPacket(ByteBuf data, SocketAddress recipient, SocketAddress sender) {
        super(data, recipient, sender);
    }

    @Override
    public DomainDatagramPacket copy() {
        return replace(content().copy());
    }

    @Override
    public DomainDatagramPacket duplicate() {
        return replace(content().duplicate());
    }

    @Override
    public DomainDatagramPacket retainedDuplicate() {
        return replace(content().retainedDuplicate());
    }

    @Override
    public DomainDatagramPacket replace(ByteBuf content) {
        return new DomainDatagramPacket(content, recipient(), sender());
    }

    @Override
    public DomainDatagramPacket retain() {
        super.retain();
        return this;
    }

    @Override
    public DomainDatagramPacket retain(int increment) {
        super.retain(increment);
        return this;
    }

    @Override
    public DomainDatagramPacket touch() {
        super.touch();
        return this;
    }

    @Override
    public DomainDatagramPacket touch(Object hint) {
        super.touch(hint);
        return this;
    }
}
