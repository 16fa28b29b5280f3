package dev.pollen.channel.core;

import dev.pollen.channel.PollenChannelOption;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.EventLoop;
import io.netty.channel.FileRegion;
import io.netty.channel.IoHandler;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.internal.StringUtil;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.concurrent.Executor;

/**
 * A connected byte stream (TCP today, Unix domain sockets later), for every backend: the read
 * loop driven by Netty's {@link io.netty.channel.RecvByteBufAllocator.Handle}, gathering writes
 * through the loop's {@link IovArray}, write spin count, half-closure and {@code SO_LINGER} close.
 */
public abstract class AbstractPollenStreamChannel extends AbstractPollenChannel implements DuplexChannel {
    private static final String EXPECTED_TYPES = " (expected: " + StringUtil.simpleClassName(ByteBuf.class)
            + ", " + StringUtil.simpleClassName(FileRegion.class) + ')';
    /** A write that made no progress: the send buffer is full, wait for WRITABLE. */
    protected static final int SNDBUF_FULL = Integer.MAX_VALUE;

    private final Runnable flushTask = () -> ((AbstractPollenUnsafe) unsafe()).writeReady();
    private WritableByteChannel byteChannel;
    private boolean sendFileSupported = true;
    /**
     * This channel's operation in the loop's batch being made, or -1: its read or its write, never
     * both, as the loop makes one batch at a time and hands out every result before a handler runs.
     */
    private int batchIndex = -1;
    /** What the loop's last batch wrote for this channel, until doWrite accounts for it; NOT_MADE if none. */
    private long sentInBatch = IoBatch.NOT_MADE;
    /** A buffer a batch read into (or is about to), until readReady delivers it, and that read's result. */
    private ByteBuf readInBatch;
    private long readResult = IoBatch.NOT_MADE;
    /** {@link PollenChannelOption#WRITE_BATCHING}, kept here for the flush path. */
    volatile boolean writeBatching = true;

    protected AbstractPollenStreamChannel(Channel parent, PollenSocket socket,
                                          Class<? extends IoHandler> ioHandlerType, boolean active) {
        super(parent, socket, ioHandlerType, Readiness.INTEREST_READ_CLOSED, active);
    }

    protected AbstractPollenStreamChannel(Channel parent, PollenSocket socket,
                                          Class<? extends IoHandler> ioHandlerType, SocketAddress remote) {
        super(parent, socket, ioHandlerType, Readiness.INTEREST_READ_CLOSED, remote);
    }

    @Override
    protected AbstractPollenUnsafe newUnsafe() {
        return new StreamUnsafe();
    }

    @Override
    protected Object filterOutboundMessage(Object msg) {
        if (msg instanceof ByteBuf) {
            ByteBuf buf = (ByteBuf) msg;
            return isDirect(buf) ? buf : newDirectBuffer(buf, buf);
        }
        if (msg instanceof FileRegion) {
            return msg;
        }
        throw new UnsupportedOperationException("unsupported message type: " + StringUtil.simpleClassName(msg)
                + EXPECTED_TYPES);
    }

    /**
     * Writes a message of a type a subclass admitted in {@link #filterOutboundMessage}: 1 if it made
     * progress, 0 if it was empty, {@link #SNDBUF_FULL} if the socket cannot take more now.
     */
    protected int writeMessage(ChannelOutboundBuffer in, Object msg) throws Exception {
        throw new Error("unexpected message in the outbound buffer: " + msg);
    }

    @Override
    void addToSendBatch(IoBatch batch) throws Exception {
        ChannelOutboundBuffer in = unsafe().outboundBuffer();
        if (in != null && in.current() instanceof ByteBuf && !socket.isOutputShutdown()) {
            batchIndex = batch.addSend(socket.intValue(), in);
        }
    }

    @Override
    void takeSendResult(IoBatch batch) {
        if (batchIndex >= 0) {
            sentInBatch = batch.result(batchIndex);
            batchIndex = -1;
        }
    }

    /**
     * The largest read a batch makes ahead, as the channel's allocator guesses its next read: a
     * channel expecting more reads the plain way when its event is handled. The system call is a
     * small part of so large a read, and a batch of them allocates every buffer before the first
     * is consumed: 64 KiB echo streams cost about 3% more CPU per byte read in batches than read
     * one by one (benchmarks/run.sh, workload stream), likely from the copies of the batch's
     * buffers no longer fitting in the cache together.
     */
    static final int MAX_BATCHED_READ = 16 * 1024;

    @Override
    void addToReadBatch(IoBatch batch) {
        ChannelConfig config = config();
        if (readInBatch != null || shouldBreakReadReady(config) || !readsAhead()) {
            return;
        }
        ReadHandle handle = ((AbstractPollenUnsafe) unsafe()).recvBufAllocHandle();
        if (handle.guess() > MAX_BATCHED_READ) {
            return;
        }
        handle.reset(config);
        ByteBuf buf = handle.allocate(config.getAllocator());
        int writerIndex = buf.writerIndex();
        int writable = buf.writableBytes();
        long address = -1;
        if (buf.hasMemoryAddress()) {
            address = buf.memoryAddress() + writerIndex;
        } else if (buf.nioBufferCount() == 1) {
            ByteBuffer nio = buf.internalNioBuffer(writerIndex, writable);
            if (nio.isDirect()) {
                address = NativeMemory.address(nio) + nio.position();
            }
        }
        int index = address < 0 ? -1 : batch.addRecv(socket.intValue(), address, writable);
        if (index < 0) {
            buf.release(); // read the plain way, into a heap buffer through the scratch buffer
            return;
        }
        handle.attemptedBytesRead(writable);
        readInBatch = buf;
        batchIndex = index;
    }

    @Override
    void takeReadResult(IoBatch batch) {
        if (batchIndex >= 0) {
            readResult = batch.result(batchIndex);
            batchIndex = -1;
            if (readResult == IoBatch.NOT_MADE) {
                releaseReadInBatch();
            }
        }
    }

    /**
     * Whether the loop may make this channel's next read in its batch, before the ready event is
     * handled: only where readReady would start with a plain read of bytes (not while descriptors
     * or a splice are to be read instead).
     */
    protected boolean readsAhead() {
        return true;
    }

    /** Whether a batch read bytes for this channel that readReady has yet to deliver (first). */
    protected final boolean hasReadInBatch() {
        return readInBatch != null;
    }

    @Override
    protected void doClose() throws Exception {
        try {
            super.doClose();
        } finally {
            // A read a batch made for an event this channel did not live to handle: nothing to deliver it to.
            releaseReadInBatch();
        }
    }

    /** Drops a batch's buffer not delivered (the channel closes, or the batch did not read). */
    private void releaseReadInBatch() {
        ByteBuf buf = readInBatch;
        if (buf != null) {
            readInBatch = null;
            readResult = IoBatch.NOT_MADE;
            buf.release();
        }
    }

    /**
     * The bytes a batch read for this channel, as {@link #readBytes} reports a read of its own
     * (-1: end of stream, 0: nothing there), into the buffer taken from {@link #readInBatch}.
     */
    private int batchedReadDone(ByteBuf buf, long result) throws IOException {
        if (result > 0) {
            buf.writerIndex(buf.writerIndex() + (int) result);
            return (int) result;
        }
        if (result == 0) {
            return -1;
        }
        if (Errors.isWouldBlock((int) result)) {
            return 0;
        }
        throw Errors.newIOException("recv", (int) result, true);
    }

    @Override
    boolean hasSendResult() {
        return sentInBatch != IoBatch.NOT_MADE;
    }

    @Override
    protected void doWrite(ChannelOutboundBuffer in) throws Exception {
        int spin = config().getWriteSpinCount();
        if (sentInBatch != IoBatch.NOT_MADE) {
            long sent = sentInBatch;
            sentInBatch = IoBatch.NOT_MADE;
            spin -= batchedWriteDone(in, sent);
        }
        while (spin > 0) {
            int size = in.size();
            if (size > 1 && in.current() instanceof ByteBuf) {
                spin -= writeGathering(in);
            } else if (size == 0) {
                clearInterest(Readiness.INTEREST_WRITE);
                return;
            } else {
                spin -= writeSingle(in);
            }
        }
        if (spin == 0) {
            // Spin count used up with data left: yield to other channels, flush again soon.
            clearInterest(Readiness.INTEREST_WRITE);
            eventLoop().execute(flushTask);
        } else {
            setInterest(Readiness.INTEREST_WRITE);
        }
    }

    /** Accounts for the gathering write a batch made for this channel, as {@link #writeGathering} would. */
    private int batchedWriteDone(ChannelOutboundBuffer in, long sent) throws IOException {
        if (sent > 0) {
            in.removeBytes(sent);
            return 1;
        }
        if (sent == 0 || Errors.isWouldBlock((int) sent)) {
            return SNDBUF_FULL;
        }
        throw Errors.newIOException("sendmsg", (int) sent, true);
    }

    private int writeSingle(ChannelOutboundBuffer in) throws Exception {
        Object msg = in.current();
        if (msg instanceof ByteBuf) {
            ByteBuf buf = (ByteBuf) msg;
            int readable = buf.readableBytes();
            if (readable == 0) {
                in.remove();
                return 0;
            }
            if (buf.hasMemoryAddress() || buf.nioBufferCount() == 1) {
                int n = send(buf);
                if (n == 0) {
                    return SNDBUF_FULL;
                }
                in.removeBytes(n);
                return 1;
            }
            return writeGathering(in);
        }
        if (msg instanceof FileRegion) {
            return writeFileRegion(in, (FileRegion) msg);
        }
        return writeMessage(in, msg);
    }

    private int send(ByteBuf buf) throws IOException {
        if (buf.hasMemoryAddress()) {
            return socket.send(buf.memoryAddress() + buf.readerIndex(), buf.readableBytes());
        }
        ByteBuffer nio = buf.internalNioBuffer(buf.readerIndex(), buf.readableBytes());
        return socket.send(NativeMemory.address(nio) + nio.position(), nio.remaining());
    }

    private int writeGathering(ChannelOutboundBuffer in) throws Exception {
        IovArray iov = ioHandler().iovArray();
        in.forEachFlushedMessage(iov);
        if (iov.count() == 0) {
            // The first message did not fit an iovec (e.g. an empty buffer): write it alone.
            Object msg = in.current();
            if (msg instanceof ByteBuf && ((ByteBuf) msg).readableBytes() == 0) {
                in.remove();
                return 0;
            }
            return writeSingleBuffer(in, (ByteBuf) msg);
        }
        long n = socket.writev(iov.memoryAddress(), iov.count());
        if (n == 0) {
            return SNDBUF_FULL;
        }
        in.removeBytes(n);
        return 1;
    }

    private int writeSingleBuffer(ChannelOutboundBuffer in, ByteBuf buf) throws IOException {
        ByteBuffer[] parts = buf.nioBuffers(buf.readerIndex(), buf.readableBytes());
        long written = 0;
        for (ByteBuffer nio : parts) {
            ByteBuffer direct = nio;
            if (!nio.isDirect()) {
                direct = ioHandler().scratch(nio.remaining());
                direct.put(nio.duplicate()).flip();
            }
            int n = socket.send(NativeMemory.address(direct) + direct.position(), direct.remaining());
            written += n;
            if (n < direct.remaining()) {
                break;
            }
        }
        if (written == 0) {
            return SNDBUF_FULL;
        }
        in.removeBytes(written);
        return 1;
    }

    private int writeFileRegion(ChannelOutboundBuffer in, FileRegion region) throws Exception {
        long transferred = region.transferred();
        if (transferred >= region.count()) {
            in.remove();
            return 0;
        }
        long n = -1;
        if (region instanceof DefaultFileRegion && sendFileSupported) {
            // Zero copy: the kernel moves the file's pages to the socket.
            DefaultFileRegion file = (DefaultFileRegion) region;
            file.open();
            n = socket.sendFile(file, file.position(), transferred, file.count() - transferred);
            // -1: no sendfile here at all; -2: not for this region only (it is copied below).
            sendFileSupported = n != -1;
        }
        if (n < 0) {
            if (byteChannel == null) {
                byteChannel = new SocketByteChannel();
            }
            n = region.transferTo(byteChannel, transferred);
        }
        if (n > 0) {
            in.progress(n);
            if (region.transferred() >= region.count()) {
                in.remove();
            }
            return 1;
        }
        if (n == 0 && region.transferred() >= region.count()) {
            in.remove();
            return 0;
        }
        return SNDBUF_FULL;
    }

    /** Lets any {@link FileRegion} write through the socket. */
    private final class SocketByteChannel implements WritableByteChannel {
        @Override
        public int write(ByteBuffer src) throws IOException {
            int remaining = src.remaining();
            if (remaining == 0) {
                return 0;
            }
            ByteBuffer direct = src;
            if (!src.isDirect()) {
                direct = ioHandler().scratch(remaining);
                direct.put(src.duplicate()).flip();
            }
            int n = socket.send(NativeMemory.address(direct) + direct.position(), direct.remaining());
            if (n > 0) {
                src.position(src.position() + n);
            }
            return n;
        }

        @Override
        public boolean isOpen() {
            return socket.isOpen();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** Reads into {@code buf}: bytes read, 0 if none were available, -1 at end of stream. */
    private int readBytes(ByteBuf buf) throws IOException {
        int writerIndex = buf.writerIndex();
        int writable = buf.writableBytes();
        ((AbstractPollenUnsafe) unsafe()).recvBufAllocHandle().attemptedBytesRead(writable);
        int n;
        if (buf.hasMemoryAddress()) {
            n = socket.recv(buf.memoryAddress() + writerIndex, writable);
        } else if (buf.nioBufferCount() == 1 && buf.internalNioBuffer(writerIndex, writable).isDirect()) {
            ByteBuffer nio = buf.internalNioBuffer(writerIndex, writable);
            n = socket.recv(NativeMemory.address(nio) + nio.position(), writable);
        } else {
            ByteBuffer scratch = ioHandler().scratch(writable);
            n = socket.recv(NativeMemory.address(scratch), writable);
            if (n > 0) {
                scratch.limit(n);
                buf.setBytes(writerIndex, scratch);
            }
        }
        if (n > 0) {
            buf.writerIndex(writerIndex + n);
        }
        return n;
    }

    @Override
    public boolean isInputShutdown() {
        return socket.isInputShutdown();
    }

    @Override
    public boolean isOutputShutdown() {
        return socket.isOutputShutdown();
    }

    @Override
    public boolean isShutdown() {
        return socket.isShutdown();
    }

    @Override
    protected final void doShutdownOutput() throws Exception {
        socket.shutdown(false, true);
    }

    @Override
    public ChannelFuture shutdownOutput() {
        return shutdownOutput(newPromise());
    }

    @Override
    public ChannelFuture shutdownOutput(ChannelPromise promise) {
        EventLoop loop = eventLoop();
        if (loop.inEventLoop()) {
            shutdownOutput0(promise);
        } else {
            loop.execute(() -> shutdownOutput0(promise));
        }
        return promise;
    }

    private void shutdownOutput0(ChannelPromise promise) {
        // Data flushed before the shutdown is written first, though the loop held the flush.
        StreamUnsafe unsafe = (StreamUnsafe) unsafe();
        unsafe.releaseHeldFlush();
        unsafe.shutdownOutput(promise);
    }

    @Override
    public ChannelFuture shutdownInput() {
        return shutdownInput(newPromise());
    }

    @Override
    public ChannelFuture shutdownInput(ChannelPromise promise) {
        EventLoop loop = eventLoop();
        if (loop.inEventLoop()) {
            shutdownInput0(promise);
        } else {
            loop.execute(() -> shutdownInput0(promise));
        }
        return promise;
    }

    private void shutdownInput0(ChannelPromise promise) {
        try {
            socket.shutdown(true, false);
            promise.setSuccess();
        } catch (Throwable cause) {
            promise.setFailure(cause);
        }
    }

    @Override
    public ChannelFuture shutdown() {
        return shutdown(newPromise());
    }

    @Override
    public ChannelFuture shutdown(ChannelPromise promise) {
        ChannelFuture output = shutdownOutput();
        if (output.isDone()) {
            shutdownOutputDone(output, promise);
        } else {
            output.addListener((ChannelFutureListener) f -> shutdownOutputDone(f, promise));
        }
        return promise;
    }

    private void shutdownOutputDone(ChannelFuture output, ChannelPromise promise) {
        ChannelFuture input = shutdownInput();
        if (input.isDone()) {
            shutdownDone(output, input, promise);
        } else {
            input.addListener((ChannelFutureListener) f -> shutdownDone(output, f, promise));
        }
    }

    private static void shutdownDone(ChannelFuture output, ChannelFuture input, ChannelPromise promise) {
        Throwable outCause = output.cause();
        Throwable inCause = input.cause();
        if (outCause != null) {
            if (inCause != null) {
                outCause.addSuppressed(inCause);
            }
            promise.setFailure(outCause);
        } else if (inCause != null) {
            promise.setFailure(inCause);
        } else {
            promise.setSuccess();
        }
    }

    /** The SO_LINGER value in seconds (< 0: off), for the close path. */
    private int soLinger() {
        ChannelConfig c = config();
        return c instanceof PollenSocketChannelConfig ? ((PollenSocketChannelConfig) c).cachedSoLinger() : -1;
    }

    protected class StreamUnsafe extends AbstractPollenUnsafe {
        @Override
        protected boolean holdsFlushes() {
            return writeBatching;
        }

        @Override
        protected Executor prepareToClose() {
            try {
                // A lingering close blocks: leave the loop first and close on another thread.
                if (isOpen() && soLinger() > 0) {
                    doDeregister();
                    return GlobalEventExecutor.INSTANCE;
                }
            } catch (Throwable ignore) {
                // Closing the socket will fail the same way; close on the loop.
            }
            return null;
        }

        @Override
        protected void readReady() {
            ChannelConfig config = config();
            if (shouldBreakReadReady(config)) {
                clearReadInterest0();
                return;
            }
            ReadHandle handle = recvBufAllocHandle();
            ChannelPipeline pipeline = pipeline();
            ByteBufAllocator allocator = config.getAllocator();
            handle.reset(config);
            ByteBuf buf = null;
            boolean allDataRead = false;
            boolean batched = false;
            try {
                do {
                    if (readInBatch != null) {
                        // The batch made before this event was handled read the first bytes already.
                        batched = true;
                        buf = readInBatch;
                        long result = readResult;
                        readInBatch = null;
                        readResult = IoBatch.NOT_MADE;
                        handle.lastBytesRead(batchedReadDone(buf, result));
                    } else {
                        buf = handle.allocate(allocator);
                        handle.lastBytesRead(readBytes(buf));
                    }
                    if (handle.lastBytesRead() <= 0) {
                        buf.release();
                        buf = null;
                        allDataRead = handle.lastBytesRead() < 0;
                        if (allDataRead) {
                            readPending = false;
                        }
                        break;
                    }
                    handle.incMessagesRead(1);
                    readPending = false;
                    pipeline.fireChannelRead(buf);
                    buf = null;
                    if (shouldBreakReadReady(config)) {
                        // The user shut down input in channelRead: stop at once.
                        break;
                    }
                    // A batched read that filled its buffer does not read again at once: that read
                    // mostly finds nothing (a 64-byte echo message filling a 64-byte guess). Level-
                    // triggered, the next wait reports what is left, and its batch reads it.
                } while (!batched && handle.continueReading());
                handle.readComplete();
                pipeline.fireChannelReadComplete();
                if (allDataRead) {
                    shutdownInput(true);
                }
            } catch (Throwable t) {
                handleReadException(pipeline, buf, t, allDataRead, handle);
            } finally {
                if (shouldStopReading(config)) {
                    clearReadInterest();
                }
            }
        }

        private void handleReadException(ChannelPipeline pipeline, ByteBuf buf, Throwable cause,
                                         boolean allDataRead, ReadHandle handle) {
            if (buf != null) {
                if (buf.isReadable()) {
                    readPending = false;
                    pipeline.fireChannelRead(buf);
                } else {
                    buf.release();
                }
            }
            handle.readComplete();
            pipeline.fireChannelReadComplete();
            pipeline.fireExceptionCaught(cause);
            if (allDataRead || cause instanceof IOException || cause instanceof OutOfMemoryError) {
                shutdownInput(true);
            }
        }
    }
}
