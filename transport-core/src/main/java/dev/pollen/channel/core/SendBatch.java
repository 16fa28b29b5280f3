package dev.pollen.channel.core;

import io.netty.channel.ChannelOutboundBuffer;

import java.nio.ByteBuffer;

/**
 * The writes an event loop held during a batch of ready events, described for
 * {@link PollerBackend#sendBatch}: one 32-byte record per channel (pollen_send: iovec address,
 * descriptor, result, iovec count) over one shared iovec array. Filled, sent and read on the loop
 * thread; allocated once per loop, on its first batch.
 */
final class SendBatch {
    /** The layout of pollen_send (checked against the library by {@link Contract}). */
    static final int SEND_SIZE = 32;
    static final int SEND_IOV = 0;
    static final int SEND_FD = 8;
    static final int SEND_RESULT = 16;
    static final int SEND_IOVCNT = 24;
    /** POLLEN_SEND_NOT_MADE: the write was not made; nothing of it was written. */
    static final long NOT_MADE = Long.MIN_VALUE;

    /** Writes per batch; the channels beyond write the plain way. */
    private static final int MAX_SENDS = 1024;
    /** iovecs for all of a batch's writes (16 per channel on average, 64 KiB). */
    private static final int MAX_IOVECS = 4096;

    private final NativeMemory block = NativeMemory.allocate(MAX_SENDS * SEND_SIZE);
    private final ByteBuffer records = block.buffer();
    private final IovArray iov = new IovArray(MAX_IOVECS);
    private int count;

    SendBatch clear() {
        count = 0;
        iov.clear();
        return this;
    }

    /**
     * Adds one write of the flushed buffers at the head of {@code in} (as many as fit), to be made
     * on {@code fd}; its index, or -1 if nothing was added (the batch is full, or the first message
     * is not a buffer the kernel can take as it is).
     */
    int add(int fd, ChannelOutboundBuffer in) throws Exception {
        if (count == MAX_SENDS) {
            return -1;
        }
        in.forEachFlushedMessage(iov);
        int iovcnt = iov.count();
        if (iovcnt == 0) {
            return -1;
        }
        int off = count * SEND_SIZE;
        records.putLong(off + SEND_IOV, iov.memoryAddress());
        records.putLong(off + SEND_FD, fd);
        records.putLong(off + SEND_RESULT, NOT_MADE);
        records.putInt(off + SEND_IOVCNT, iovcnt);
        records.putInt(off + SEND_IOVCNT + 4, 0);
        iov.nextSegment();
        return count++;
    }

    int count() {
        return count;
    }

    long address() {
        return block.address();
    }

    /** Bytes written by write {@code index}, a negative errno, or {@link #NOT_MADE}. */
    long result(int index) {
        return records.getLong(index * SEND_SIZE + SEND_RESULT);
    }

    void release() {
        block.free();
        iov.release();
    }
}
