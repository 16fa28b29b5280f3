package dev.pollen.channel.core;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.AbstractChannel;
import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoHandler;
import io.netty.channel.IoRegistration;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.channel.socket.DuplexChannelConfig;
import io.netty.util.IllegalReferenceCountException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ConnectionPendingException;
import java.nio.channels.NotYetConnectedException;
import java.util.concurrent.TimeUnit;

/**
 * What every Pollen channel shares, whatever the poller: the socket, the interest set (changed on
 * the loop thread only), registration, connect with its timeout, and close. Readiness arrives
 * already normalised by the backend as {@link Readiness} bits.
 */
public abstract class AbstractPollenChannel extends AbstractChannel {
    private static final ChannelMetadata METADATA = new ChannelMetadata(false);
    /** Flushes of at least this many pending bytes are written at once, never held for the batch. */
    static final int MAX_HELD_BYTES = 16 * 1024;

    protected final PollenSocket socket;
    private final Class<? extends IoHandler> ioHandlerType;
    private final int initialInterest;
    private int interest;
    private IoRegistration registration;

    private ChannelPromise connectPromise;
    private Future<?> connectTimeoutFuture;
    private SocketAddress requestedRemoteAddress;
    private volatile SocketAddress local;
    /** Set for accepted connections: their local address is asked of the socket when first wanted. */
    private boolean localOnDemand;
    private volatile SocketAddress remote;
    protected volatile boolean active;
    private boolean connectStarted;
    /** Set once {@link #fd()} has handed the descriptor out: it may have been duplicated since. */
    private volatile boolean fdHandedOut;
    /** Set by doClose before it deregisters: the poller may leave the removal to the close. */
    private volatile boolean closingOwnDescriptor;
    boolean inputClosedSeenErrorOnRead;

    protected AbstractPollenChannel(Channel parent, PollenSocket socket, Class<? extends IoHandler> ioHandlerType,
                                    int initialInterest, boolean active) {
        super(parent);
        this.socket = socket;
        this.ioHandlerType = ioHandlerType;
        this.initialInterest = initialInterest;
        this.interest = initialInterest;
        this.active = active;
        if (active) {
            local = socket.localAddress();
            remote = socket.remoteAddress();
        }
    }

    protected AbstractPollenChannel(Channel parent, PollenSocket socket, Class<? extends IoHandler> ioHandlerType,
                                    int initialInterest, SocketAddress remote) {
        this(parent, socket, ioHandlerType, initialInterest, false);
        this.active = true;
        this.remote = remote;
        // Most servers never ask an accepted connection for its local address: no getsockname each.
        this.localOnDemand = true;
    }

    /** The underlying socket's descriptor. */
    public final int fd() {
        fdHandedOut = true;
        return socket.intValue();
    }

    /** The interest set currently asked for, e.g. {@code READ|READ_CLOSED}. */
    public final String interestSet() {
        return Readiness.interestToString(interest);
    }

    @Override
    public ChannelMetadata metadata() {
        return METADATA;
    }

    @Override
    public boolean isOpen() {
        return socket.isOpen();
    }

    @Override
    public boolean isActive() {
        return active;
    }

    @Override
    protected boolean isCompatible(EventLoop loop) {
        return loop instanceof IoEventLoop && ((IoEventLoop) loop).isIoType(ioHandlerType);
    }

    protected final boolean isInterested(int bit) {
        return (interest & bit) != 0;
    }

    protected final void setInterest(int bit) {
        if ((interest & bit) == bit) {
            return;
        }
        interest |= bit;
        submitCurrentInterest();
    }

    protected final void clearInterest(int bit) {
        if ((interest & bit) == 0) {
            return;
        }
        interest &= ~bit;
        submitCurrentInterest();
    }

    /**
     * Hands the interest set to the poller, but only once the socket is connected, listening or
     * connecting: a fresh socket reports a hang-up that would otherwise be taken for a closed peer.
     */
    final void submitCurrentInterest() {
        if ((active || connectStarted) && registration != null && registration.isValid()) {
            registration.submit(PollenIoOps.of(interest));
        }
    }

    /** Called when auto-read is switched off: stop asking for READ unless a read is pending. */
    final void clearReadInterestLater() {
        ((AbstractPollenUnsafe) unsafe()).clearReadInterest();
    }

    /** The loop's handler, for its shared buffers; only while registered, on the loop thread. */
    protected final PollenIoHandler ioHandler() {
        return registration.attachment();
    }

    @Override
    protected void doRegister(ChannelPromise promise) {
        ((IoEventLoop) eventLoop()).register((AbstractPollenUnsafe) unsafe()).addListener(f -> {
            if (f.isSuccess()) {
                registration = (IoRegistration) f.getNow();
                if (isActive()) {
                    submitCurrentInterest();
                }
                promise.setSuccess();
            } else {
                promise.setFailure(f.cause());
            }
        });
    }

    @Override
    protected void doDeregister() throws Exception {
        IoRegistration reg = registration;
        if (reg != null) {
            registration = null;
            interest = initialInterest;
            reg.cancel();
        }
    }

    @Override
    protected void doBeginRead() throws Exception {
        ((AbstractPollenUnsafe) unsafe()).readPending = true;
        setInterest(Readiness.INTEREST_READ);
    }

    @Override
    protected void doBind(SocketAddress localAddress) throws Exception {
        socket.bind(localAddress);
        local = socket.localAddress();
    }

    @Override
    protected void doDisconnect() throws Exception {
        doClose();
    }

    @Override
    protected void doClose() throws Exception {
        active = false;
        inputClosedSeenErrorOnRead = true;
        try {
            ChannelPromise promise = connectPromise;
            if (promise != null) {
                promise.tryFailure(new ClosedChannelException());
                connectPromise = null;
            }
            Future<?> future = connectTimeoutFuture;
            if (future != null) {
                future.cancel(false);
                connectTimeoutFuture = null;
            }
            if (isRegistered()) {
                closingOwnDescriptor = !fdHandedOut;
                // doClose may run off the loop (SO_LINGER closes on another executor).
                EventLoop loop = eventLoop();
                if (loop.inEventLoop()) {
                    doDeregister();
                } else {
                    loop.execute(() -> {
                        try {
                            doDeregister();
                        } catch (Throwable cause) {
                            pipeline().fireExceptionCaught(cause);
                        }
                    });
                }
            }
        } finally {
            socket.close();
        }
    }

    @Override
    protected SocketAddress localAddress0() {
        SocketAddress l = local;
        if (l == null && localOnDemand && socket.isOpen()) {
            local = l = socket.localAddress();
        }
        return l;
    }

    @Override
    protected SocketAddress remoteAddress0() {
        return remote;
    }

    /** Copies a heap buffer to a direct one (native I/O needs stable addresses) and releases the original. */
    protected final ByteBuf newDirectBuffer(Object holder, ByteBuf buf) {
        int readable = buf.readableBytes();
        if (readable == 0) {
            ReferenceCountUtil.release(holder);
            return Unpooled.EMPTY_BUFFER;
        }
        if (buf.refCnt() == 0) {
            // Released already: say so, whatever the buffer's own bounds checks would say first.
            throw new IllegalReferenceCountException(0);
        }
        ByteBufAllocator alloc = alloc();
        ByteBuf direct;
        if (alloc.isDirectBufferPooled() || (direct = ByteBufUtil.threadLocalDirectBuffer()) == null) {
            direct = alloc.directBuffer(readable);
        }
        try {
            direct.writeBytes(buf, buf.readerIndex(), readable);
        } catch (Throwable t) {
            direct.release();
            throw t;
        }
        ReferenceCountUtil.safeRelease(holder);
        return direct;
    }

    protected static boolean isDirect(ByteBuf buf) {
        return buf.hasMemoryAddress() || buf.isDirect();
    }

    /** Connects; true if connected at once. */
    protected boolean doConnect(SocketAddress remoteAddress, SocketAddress localAddress) throws Exception {
        if (remote != null) {
            throw new AlreadyConnectedException();
        }
        if (localAddress != null) {
            socket.bind(localAddress);
        }
        boolean success = false;
        try {
            boolean connected = connectSocket(remoteAddress);
            if (connected) {
                remote = connectedAddress(remoteAddress);
            } else {
                connectStarted = true;
                setInterest(Readiness.INTEREST_WRITE);
            }
            success = true;
            // The port may only now be chosen (IP_BIND_ADDRESS_NO_PORT): drop Netty's cached value.
            local = socket.localAddress();
            invalidateLocalAddress();
            return connected;
        } finally {
            if (!success) {
                doClose();
            }
        }
    }

    /**
     * Starts the connection: true if connected at once, false if in progress. A transport may
     * override it to send the first flushed data with the SYN (TCP fast open).
     */
    protected boolean connectSocket(SocketAddress remoteAddress) throws IOException {
        return socket.connect(remoteAddress);
    }

    private SocketAddress connectedAddress(SocketAddress requested) {
        SocketAddress actual = socket.remoteAddress();
        if (requested instanceof InetSocketAddress && actual instanceof InetSocketAddress) {
            InetSocketAddress r = (InetSocketAddress) requested;
            // Keep the host name the user gave, with the address actually connected to.
            return r.isUnresolved() ? actual : new InetSocketAddress(r.getAddress(), ((InetSocketAddress) actual).getPort());
        }
        return actual != null ? actual : requested;
    }

    protected static boolean isAllowHalfClosure(ChannelConfig config) {
        return config instanceof DuplexChannelConfig && ((DuplexChannelConfig) config).isAllowHalfClosure();
    }

    final boolean shouldBreakReadReady(ChannelConfig config) {
        return socket.isInputShutdown() && (inputClosedSeenErrorOnRead || !isAllowHalfClosure(config));
    }

    /**
     * Adds this channel's flushed data to the loop's batch of writes (see
     * {@link PollenIoHandler#sendHeldFlushes}); stream channels do, others write the plain way.
     */
    void addToSendBatch(IoBatch batch) throws Exception {
    }

    /**
     * Adds a read of this channel to the loop's batch, made before the batch's events are handled
     * (see {@link PollenIoHandler#readBatch}); stream channels do, others read the plain way.
     */
    void addToReadBatch(IoBatch batch) {
    }

    /** Takes this channel's read from a batch just made; the next readReady delivers it first. */
    void takeReadResult(IoBatch batch) {
    }

    /** Takes this channel's result from a batch just made; {@link #doWrite} accounts for it first. */
    void takeSendResult(IoBatch batch) {
    }

    /** Whether a batch wrote for this channel and {@link #doWrite} has not yet accounted for it. */
    boolean hasSendResult() {
        return false;
    }

    /** The part of {@link io.netty.channel.Channel.Unsafe} every Pollen channel shares; also its IoHandle. */
    protected abstract class AbstractPollenUnsafe extends AbstractUnsafe implements PollenIoHandle {
        protected boolean readPending;
        private ReadHandle readHandle;
        /** A flush the loop holds until the end of its batch of ready events. */
        private boolean flushHeld;

        @Override
        public int fd() {
            return socket.intValue();
        }

        @Override
        public boolean closingOwnDescriptor() {
            return closingOwnDescriptor;
        }

        @Override
        public void close() {
            close(voidPromise());
        }

        @Override
        public void interestFailed(IOException cause) {
            pipeline().fireExceptionCaught(cause);
            close(voidPromise());
        }

        @Override
        public void handle(IoRegistration registration, IoEvent event) {
            int ready = ((PollenIoEvent) event).ready();
            // Order matters: a refused connect shows as WRITABLE/ERROR and must fail the
            // connect promise before any read; all data is read before input is shut down.
            if ((ready & (Readiness.WRITABLE | Readiness.ERROR)) != 0) {
                writeReady();
            }
            if ((ready & (Readiness.READABLE | Readiness.ERROR | Readiness.READ_CLOSED)) == 0) {
                return;
            }
            // Flushes made by the reads' handlers may wait for the end of the batch (WRITE_BATCHING);
            // not those of a connect completed above, whose channelActive may block on its peer.
            PollenIoHandler loop = registration.attachment();
            loop.holdFlushes(true);
            try {
                if ((ready & (Readiness.READABLE | Readiness.ERROR)) != 0) {
                    readReady();
                }
                if ((ready & Readiness.READ_CLOSED) != 0) {
                    readClosedReady();
                }
            } finally {
                loop.holdFlushes(false);
            }
        }

        /** The socket is readable (or has an error to report through a read). */
        protected abstract void readReady();

        /** The peer shut down its output (or the connection is gone). */
        protected void readClosedReady() {
            recvBufAllocHandle().receivedReadClosed();
            if (isActive()) {
                readReady();
            } else {
                shutdownInput(false);
            }
            // Level-triggered: the condition persists, so stop asking for it.
            try {
                clearInterest(Readiness.INTEREST_READ_CLOSED);
            } catch (UncheckedIOException e) {
                pipeline().fireExceptionCaught(e.getCause());
                close(voidPromise());
            }
        }

        protected final boolean shouldStopReading(ChannelConfig config) {
            return !readPending && !config.isAutoRead();
        }

        protected final void clearReadInterest() {
            if (!isRegistered()) {
                interest &= ~Readiness.INTEREST_READ;
                return;
            }
            if (eventLoop().inEventLoop()) {
                clearReadInterest0();
            } else {
                eventLoop().execute(() -> {
                    if (!readPending && !config().isAutoRead()) {
                        clearReadInterest0();
                    }
                });
            }
        }

        protected final void clearReadInterest0() {
            readPending = false;
            try {
                clearInterest(Readiness.INTEREST_READ);
            } catch (UncheckedIOException e) {
                pipeline().fireExceptionCaught(e.getCause());
                close(voidPromise());
            }
        }

        /** Shuts down input after the peer closed its side: half-closed or closed, by config. */
        protected void shutdownInput(boolean allDataRead) {
            if (!socket.isInputShutdown()) {
                if (isAllowHalfClosure(config())) {
                    try {
                        socket.shutdown(true, false);
                    } catch (NotYetConnectedException ignored) {
                        // The connection is already gone: input is shut down all the same.
                        socket.markInputShutdown();
                    } catch (IOException ignored) {
                        // Input is effectively closed already.
                        pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
                        close(voidPromise());
                        return;
                    }
                    if (shouldStopReading(config())) {
                        clearReadInterest0();
                    }
                    pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
                } else {
                    close(voidPromise());
                    return;
                }
            }
            if (allDataRead && !inputClosedSeenErrorOnRead) {
                inputClosedSeenErrorOnRead = true;
                pipeline().fireUserEventTriggered(ChannelInputShutdownReadComplete.INSTANCE);
            }
        }

        @Override
        public ReadHandle recvBufAllocHandle() {
            if (readHandle == null) {
                readHandle = new ReadHandle(super.recvBufAllocHandle());
            }
            return readHandle;
        }

        /** Whether a flush made while the loop handles ready events may wait for the end of the batch. */
        protected boolean holdsFlushes() {
            return false;
        }

        @Override
        protected final void flush0() {
            // With WRITE interest set, the loop flushes when the socket drains.
            if (flushHeld || isInterested(Readiness.INTEREST_WRITE)) {
                return;
            }
            if (holdsFlushes() && registration != null && isSmallWrite() && ioHandler().holdFlush(this)) {
                flushHeld = true;
                return;
            }
            super.flush0();
        }

        /**
         * Whether the flushed data is small enough to be worth holding: batching saves wake-ups of
         * the peer per write, which matter for small writes; a large one is dominated by copying,
         * and holding it would only keep its buffers (and the allocator's memory) longer.
         */
        private boolean isSmallWrite() {
            ChannelOutboundBuffer out = outboundBuffer();
            return out != null && out.totalPendingWriteBytes() < MAX_HELD_BYTES;
        }

        /**
         * Writes a held flush now: at the end of the batch, or before a close or output shutdown.
         * (Deregistration needs nothing: Netty runs it as a task, after the batch.)
         */
        final void releaseHeldFlush() {
            if (flushHeld) {
                flushHeld = false;
                // A batch's result is accounted for even with WRITE interest set (never left stale).
                if (!isInterested(Readiness.INTEREST_WRITE) || hasSendResult()) {
                    super.flush0();
                }
            }
        }

        /** Offers the held flush to the loop's batch of writes, if it is still to be made the plain way. */
        final void addToSendBatch(IoBatch batch) {
            if (flushHeld && !isInterested(Readiness.INTEREST_WRITE) && isActive()) {
                try {
                    AbstractPollenChannel.this.addToSendBatch(batch);
                } catch (Exception e) {
                    // Not batched: flush0 meets the same message and reports it.
                }
            }
        }

        final void takeSendResult(IoBatch batch) {
            AbstractPollenChannel.this.takeSendResult(batch);
        }

        /** Offers a read to the loop's batch if this channel would read now (interest set, reading wanted). */
        final void addToReadBatch(IoBatch batch) {
            if (isInterested(Readiness.INTEREST_READ) && isActive() && (readPending || config().isAutoRead())) {
                AbstractPollenChannel.this.addToReadBatch(batch);
            }
        }

        final void takeReadResult(IoBatch batch) {
            AbstractPollenChannel.this.takeReadResult(batch);
        }

        @Override
        protected void close(ChannelPromise promise, Throwable cause, ClosedChannelException closeCause) {
            // What was flushed before close() is written first, as if the flush had not been held.
            releaseHeldFlush();
            super.close(promise, cause, closeCause);
        }

        /** The socket is writable: finish a pending connect or flush. */
        final void writeReady() {
            if (connectPromise != null) {
                finishConnect();
            } else if (!socket.isOutputShutdown()) {
                super.flush0();
            } else {
                // Output is shut down: a socket stays writable forever, so stop asking.
                clearInterest(Readiness.INTEREST_WRITE);
            }
        }

        @Override
        public void connect(SocketAddress remoteAddress, SocketAddress localAddress, ChannelPromise promise) {
            if (promise.isDone() || !ensureOpen(promise)) {
                return;
            }
            try {
                if (connectPromise != null) {
                    throw new ConnectionPendingException();
                }
                boolean wasActive = isActive();
                if (doConnect(remoteAddress, localAddress)) {
                    fulfillConnectPromise(promise, wasActive);
                    return;
                }
                connectPromise = promise;
                requestedRemoteAddress = remoteAddress;
                int timeoutMillis = config().getConnectTimeoutMillis();
                if (timeoutMillis > 0) {
                    connectTimeoutFuture = eventLoop().schedule(() -> {
                        ChannelPromise p = connectPromise;
                        if (p != null && !p.isDone() && p.tryFailure(new ConnectTimeoutException(
                                "connection timed out after " + timeoutMillis + " ms: " + remoteAddress))) {
                            close(voidPromise());
                        }
                    }, timeoutMillis, TimeUnit.MILLISECONDS);
                }
                promise.addListener((ChannelFutureListener) future -> {
                    if (future.isCancelled()) {
                        if (connectTimeoutFuture != null) {
                            connectTimeoutFuture.cancel(false);
                        }
                        connectPromise = null;
                        close(voidPromise());
                    }
                });
            } catch (Throwable t) {
                closeIfClosed();
                promise.tryFailure(annotateConnectException(t, remoteAddress));
            }
        }

        private void fulfillConnectPromise(ChannelPromise promise, boolean wasActive) {
            if (promise == null) {
                return;
            }
            active = true;
            submitCurrentInterest();
            boolean nowActive = isActive();
            boolean promiseSet = promise.trySuccess();
            if (!wasActive && nowActive) {
                pipeline().fireChannelActive();
            }
            if (!promiseSet) {
                close(voidPromise());
            }
        }

        private void finishConnect() {
            boolean stillInProgress = false;
            try {
                boolean wasActive = isActive();
                if (!socket.finishConnect()) {
                    stillInProgress = true;
                    return;
                }
                clearInterest(Readiness.INTEREST_WRITE);
                remote = connectedAddress(requestedRemoteAddress);
                requestedRemoteAddress = null;
                fulfillConnectPromise(connectPromise, wasActive);
            } catch (Throwable t) {
                ChannelPromise p = connectPromise;
                if (p != null) {
                    p.tryFailure(annotateConnectException(t, requestedRemoteAddress));
                    closeIfClosed();
                }
            } finally {
                if (!stillInProgress) {
                    if (connectTimeoutFuture != null) {
                        connectTimeoutFuture.cancel(false);
                    }
                    connectPromise = null;
                }
            }
        }
    }

    /** Wraps Netty's handle: keeps reading after the peer closed, until end of stream. */
    public static final class ReadHandle extends io.netty.channel.RecvByteBufAllocator.DelegatingHandle {
        private boolean readClosed;

        ReadHandle(io.netty.channel.RecvByteBufAllocator.Handle delegate) {
            super(delegate);
        }

        void receivedReadClosed() {
            readClosed = true;
        }

        public boolean isReadClosed() {
            return readClosed;
        }

        @Override
        public boolean continueReading() {
            return readClosed || super.continueReading();
        }
    }
}
