package dev.pollen.channel.core;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelOutboundBuffer.MessageProcessor;

import java.nio.ByteBuffer;

/**
 * A native array of {@code struct iovec} filled from the flushed messages of a
 * {@link io.netty.channel.ChannelOutboundBuffer}, for one gathering write: the loop's own (one per
 * event loop), or a {@link IoBatch}'s, which holds one segment per write of the batch.
 */
public final class IovArray implements MessageProcessor {
    private static final int ADDRESS_SIZE = NativeMemory.ADDRESS_SIZE;
    private static final int IOV_SIZE = 2 * ADDRESS_SIZE;
    /** The platform's IOV_MAX (at least 16). */
    private static final int IOV_MAX = Math.max(16, NativeSocket.iovMax());
    /** Stay below SSIZE_MAX and clear of signed overflow in the Java long arithmetic. */
    private static final long MAX_BYTES = Integer.MAX_VALUE;

    private final NativeMemory block;
    private final ByteBuffer memory;
    private final long address;
    private final int capacity;
    /** The first entry of the segment being filled; count and size are the segment's. */
    private int base;
    private int count;
    private long size;

    IovArray() {
        this(IOV_MAX);
    }

    /** An array of {@code capacity} entries, filled in segments of at most IOV_MAX (see {@link #nextSegment}). */
    IovArray(int capacity) {
        this.capacity = capacity;
        block = NativeMemory.allocate(capacity * IOV_SIZE);
        memory = block.buffer();
        address = block.address();
    }

    IovArray clear() {
        base = 0;
        count = 0;
        size = 0;
        return this;
    }

    /** Keeps the entries added so far and starts an empty segment after them. */
    void nextSegment() {
        base += count;
        count = 0;
        size = 0;
    }

    /** Adds a buffer's readable bytes; false if it did not fit (the array is then full). */
    public boolean add(ByteBuf buf) {
        int len = buf.readableBytes();
        if (len == 0) {
            return true;
        }
        if (buf.hasMemoryAddress()) {
            return add(buf.memoryAddress() + buf.readerIndex(), len);
        }
        int n = buf.nioBufferCount();
        if (n == 1) {
            ByteBuffer nio = buf.internalNioBuffer(buf.readerIndex(), len);
            return nio.isDirect() && add(NativeMemory.address(nio) + nio.position(), len);
        }
        if (count + n > IOV_MAX || base + count + n > capacity) {
            return false;
        }
        for (ByteBuffer nio : buf.nioBuffers(buf.readerIndex(), len)) {
            int remaining = nio.remaining();
            if (remaining != 0 && (!nio.isDirect()
                    || !add(NativeMemory.address(nio) + nio.position(), remaining))) {
                return false;
            }
        }
        return true;
    }

    boolean add(long addr, int len) {
        if (count == IOV_MAX || base + count == capacity || (count > 0 && size + len > MAX_BYTES)) {
            return false;
        }
        int off = (base + count) * IOV_SIZE;
        if (ADDRESS_SIZE == 8) {
            memory.putLong(off, addr);
            memory.putLong(off + 8, len);
        } else {
            memory.putInt(off, (int) addr);
            memory.putInt(off + 4, len);
        }
        count++;
        size += len;
        return true;
    }

    @Override
    public boolean processMessage(Object msg) {
        return msg instanceof ByteBuf && add((ByteBuf) msg);
    }

    public int count() {
        return count;
    }

    public long size() {
        return size;
    }

    /** The address of the segment's first entry. */
    public long memoryAddress() {
        return address + (long) base * IOV_SIZE;
    }

    void release() {
        block.free();
    }
}
