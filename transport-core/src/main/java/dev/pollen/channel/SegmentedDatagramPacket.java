package dev.pollen.channel;

import io.netty.buffer.ByteBuf;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.internal.ObjectUtil;

import java.net.InetSocketAddress;

/**
 * A datagram the kernel cuts into {@link #segmentSize()}-byte datagrams on the way out (UDP GSO,
 * sent with a {@code UDP_SEGMENT} control message): the last one may be shorter. Only channels
 * whose transport reports segmentation support accept it (e.g.
 * {@code EpollDatagramChannel.isSegmentedDatagramPacketSupported()}). Linux limits a
 * segmented datagram to 64 segments and 64 KiB of payload in total.
 */
public class SegmentedDatagramPacket extends DatagramPacket {
    private final int segmentSize;

    public SegmentedDatagramPacket(ByteBuf data, int segmentSize, InetSocketAddress recipient) {
        super(data, recipient);
        this.segmentSize = ObjectUtil.checkInRange(segmentSize, 1, 65535, "segmentSize");
    }

    public SegmentedDatagramPacket(ByteBuf data, int segmentSize, InetSocketAddress recipient,
                                   InetSocketAddress sender) {
        super(data, recipient, sender);
        this.segmentSize = ObjectUtil.checkInRange(segmentSize, 1, 65535, "segmentSize");
    }

    /** The size of each datagram the payload is cut into. */
    public int segmentSize() {
        return segmentSize;
    }

    @Override
    public SegmentedDatagramPacket copy() {
        return replace(content().copy());
    }

    @Override
    public SegmentedDatagramPacket duplicate() {
        return replace(content().duplicate());
    }

    @Override
    public SegmentedDatagramPacket retainedDuplicate() {
        return replace(content().retainedDuplicate());
    }

    @Override
    public SegmentedDatagramPacket replace(ByteBuf content) {
        return new SegmentedDatagramPacket(content, segmentSize, recipient(), sender());
    }

    @Override
    public SegmentedDatagramPacket retain() {
        super.retain();
        return this;
    }

    @Override
    public SegmentedDatagramPacket retain(int increment) {
        super.retain(increment);
        return this;
    }

    @Override
    public SegmentedDatagramPacket touch() {
        super.touch();
        return this;
    }

    @Override
    public SegmentedDatagramPacket touch(Object hint) {
        super.touch(hint);
        return this;
    }
}
