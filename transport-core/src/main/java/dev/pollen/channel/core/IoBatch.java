package dev.pollen.channel.core;

import io.netty.channel.ChannelOutboundBuffer;

import java.nio.ByteBuffer;

/**
 * Socket reads or writes an event loop makes together, described for {@link PollerBackend#ioBatch}:
 * one 32-byte record per channel (pollen_io: iovec address, descriptor, result, iovec count,
 * operation) over one shared iovec array, then maybe registration changes and the next wait.
 * Filled, made and read on the loop thread; one per loop, allocated when its loop is made.
 */
final class IoBatch {
    /** The layout of pollen_io (checked against the library by {@link Contract}). */
    static final int IO_SIZE = 32;
    static final int IO_IOV = 0;
    static final int IO_FD = 8;
    static final int IO_RESULT = 16;
    static final int IO_IOVCNT = 24;
    static final int IO_OP = 28;
    static final int OP_SEND = 0;
    static final int OP_RECV = 1;
    /** The loop's next wait, started in the batch's own kernel entry; only as the last record. */
    static final int OP_POLL = 2;
    /** A registration change (PollerBackend.ctl's ADD, MOD, DEL): the token at IO_IOV, the interest at IO_IOVCNT. */
    static final int OP_CTL_ADD = 3;
    static final int OP_CTL_MOD = 4;
    static final int OP_CTL_DEL = 5;
    /** POLLEN_IO_NOT_MADE: the operation was not made; nothing was moved. */
    static final long NOT_MADE = Long.MIN_VALUE;

    /** Operations per batch; the channels beyond make theirs the plain way. */
    static final int MAX_OPS = 1024;
    /** iovecs for all of a batch's operations (4 per channel on average, 64 KiB). */
    private static final int MAX_IOVECS = 4096;

    private final NativeMemory block = NativeMemory.allocate((MAX_OPS + 1) * IO_SIZE); // + the wait
    private final ByteBuffer records = block.buffer();
    private final IovArray iov = new IovArray(MAX_IOVECS);
    private int count;

    IoBatch clear() {
        count = 0;
        iov.clear();
        return this;
    }

    /**
     * Adds one gathering write of the flushed buffers at the head of {@code in} (as many as fit),
     * to be made on {@code fd}; its index, or -1 if nothing was added (the batch is full, or the
     * first message is not a buffer the kernel can take as it is).
     */
    int addSend(int fd, ChannelOutboundBuffer in) throws Exception {
        if (count == MAX_OPS) {
            return -1;
        }
        in.forEachFlushedMessage(iov);
        return add(fd, OP_SEND);
    }

    /** Adds one read of at most {@code length} bytes into native memory at {@code address}; its index or -1. */
    int addRecv(int fd, long address, int length) {
        if (count == MAX_OPS || !iov.add(address, length)) {
            return -1;
        }
        return add(fd, OP_RECV);
    }

    /**
     * Adds one registration change ({@link PollerBackend#CTL_ADD}, CTL_MOD or CTL_DEL) of {@code fd};
     * its index, whose result is 0 or the negative errno {@link PollerBackend#ctl} would return, or -1
     * if the batch is full.
     */
    int addCtl(int fd, int ctlOp, int interest, long token) {
        if (count == MAX_OPS) {
            return -1;
        }
        int off = count * IO_SIZE;
        records.putLong(off + IO_IOV, token);
        records.putLong(off + IO_FD, fd);
        records.putLong(off + IO_RESULT, NOT_MADE);
        records.putInt(off + IO_IOVCNT, interest);
        records.putInt(off + IO_OP, OP_CTL_ADD + ctlOp - PollerBackend.CTL_ADD);
        return count++;
    }

    /**
     * Ends the batch with the loop's next wait (PollerBackend.CAP_IO_BATCH_POLL); its index, whose
     * result is 0 if the wait was started.
     */
    int addPoll() {
        int off = count * IO_SIZE;
        records.putLong(off + IO_IOV, 0);
        records.putLong(off + IO_FD, -1);
        records.putLong(off + IO_RESULT, NOT_MADE);
        records.putInt(off + IO_IOVCNT, 0);
        records.putInt(off + IO_OP, OP_POLL);
        return count++;
    }

    private int add(int fd, int op) {
        int iovcnt = iov.count();
        if (iovcnt == 0) {
            return -1;
        }
        int off = count * IO_SIZE;
        records.putLong(off + IO_IOV, iov.memoryAddress());
        records.putLong(off + IO_FD, fd);
        records.putLong(off + IO_RESULT, NOT_MADE);
        records.putInt(off + IO_IOVCNT, iovcnt);
        records.putInt(off + IO_OP, op);
        iov.nextSegment();
        return count++;
    }

    int count() {
        return count;
    }

    long address() {
        return block.address();
    }

    /** Bytes moved by operation {@code index} (0 for a read: end of stream), a negative errno, or {@link #NOT_MADE}. */
    long result(int index) {
        return records.getLong(index * IO_SIZE + IO_RESULT);
    }

    void release() {
        block.free();
        iov.release();
    }
}
