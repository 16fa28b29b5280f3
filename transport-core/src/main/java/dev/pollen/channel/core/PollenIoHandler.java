package dev.pollen.channel.core;

import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoOps;
import io.netty.channel.IoRegistration;
import io.netty.channel.SelectStrategy;
import io.netty.channel.SelectStrategyFactory;
import io.netty.util.IntSupplier;
import io.netty.util.concurrent.ThreadAwareExecutor;
import io.netty.util.internal.ObjectUtil;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The event loop's I/O half, written once for every backend: level-triggered waits into a
 * preallocated event buffer that grows when a wait fills it, a registration table keyed by
 * (slot, serial) tokens so that events for a cancelled or reused registration are dropped,
 * cross-thread wake-ups that skip redundant writes, interest changes collected during an iteration
 * and handed to the poller once, just before the next wait, the writes flushed while a batch's
 * reads are handled sent together at its end, the first reads of a wait's readable channels and
 * those writes each made in one kernel entry where the backend can
 * ({@link PollerBackend#CAP_IO_BATCH}), active I/O time reported to Netty, and cheap counters. A
 * transport subclasses it only to name itself ({@code EpollIoHandler}).
 */
public abstract class PollenIoHandler implements IoHandler {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(PollenIoHandler.class);
    private static final ThreadLocal<PollenIoHandler> CURRENT = new ThreadLocal<>();

    /** Netty 4.2.5+ lets a handler report its active I/O time (for auto-scaling); older 4.2 releases do not. */
    private static final boolean ACTIVE_IO_TIME = hasActiveIoTimeApi();
    /** The layout of pollen_event (checked against the library by {@link Contract}). */
    static final int EVENT_SIZE = 16;
    static final int EVENT_TOKEN = 0;
    static final int EVENT_READY = 8;
    private static final int INITIAL_EVENTS = 4096;
    private static final int MAX_EVENTS = 1 << 20;
    /** A failing wait is retried after 1 ms, doubling up to this, so a broken poller never spins the loop. */
    private static final long MAX_WAIT_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final int AWAKE = 1;
    private static final int SLEEPING = 0;

    private final PollerBackend backend;
    /** The backend ends a registration when its descriptor is closed (CAP_CLOSE_REMOVES). */
    private final boolean closeRemoves;
    private final ThreadAwareExecutor executor;
    private final long poller;
    /** Reads and held writes go to the kernel in batches (CAP_IO_BATCH); cleared if the backend fails one. */
    private boolean ioBatching;
    /** The held writes' batch also starts the next wait (CAP_IO_BATCH_POLL). */
    private final boolean batchPoll;
    private final AtomicInteger wakeState = new AtomicInteger(AWAKE);
    private final AtomicInteger wakersInFlight = new AtomicInteger();
    private volatile boolean closed;
    private final PollenIoEvent event = new PollenIoEvent();
    private final SelectStrategy selectStrategy;
    private final IntSupplier pollNow = () -> poll(0);
    private NativeMemory eventMemory;
    private ByteBuffer events;
    private long eventsAddress;
    private int capacity;

    private PollenIoRegistration[] table = new PollenIoRegistration[64];
    private int[] freeSlots = new int[64];
    private int freeCount;
    private int nextSlot;
    private int serial;
    private int registrations;
    /** Registrations whose interest changed since the last wait (loop thread only). */
    private PollenIoRegistration[] dirty = new PollenIoRegistration[64];
    private int dirtyCount;
    /**
     * Registrations whose change is in the batch of writes being made; after it, those whose change
     * failed, with the failures, until they are reported (loop thread only).
     */
    private PollenIoRegistration[] changed = new PollenIoRegistration[64];
    private IOException[] changeFailures = new IOException[64];
    private int failedChanges;
    /** True while a channel's reads are handled; flushes made then may be held (loop thread only). */
    private boolean holding;
    /** Channels whose flush waits for the end of the batch (loop thread only). */
    private AbstractPollenChannel.AbstractPollenUnsafe[] heldFlushes =
            new AbstractPollenChannel.AbstractPollenUnsafe[64];
    private int heldCount;

    private IovArray iovArray;
    private IoBatch ioBatch;
    /** The channels whose reads are in the batch being made (loop thread only). */
    private AbstractPollenChannel.AbstractPollenUnsafe[] readBatchChannels =
            new AbstractPollenChannel.AbstractPollenUnsafe[64];
    private DatagramPacketArray datagramReads;
    private DatagramPacketArray datagramWrites;
    private NativeMemory scratch;

    // Counters: plain fields written on the loop thread only, but for the wake-ups other threads write.
    private long waits;
    private long failedWaits;
    /** Failed waits in a row; the next retry is delayed 2^(n-1) ms, at most one second. */
    private int failureStreak;
    private long eventsDelivered;
    private long staleEvents;
    private long ctlCalls;
    private long batchedCtls;
    private long sendBatches;
    private long batchedSends;
    private long readBatches;
    private long batchedReads;
    private long batchWaits;
    /** Datagram receive calls that asked for several datagrams into scratch memory (package: the channels count). */
    long datagramBatchReads;
    private final LongAdder wakeupsWritten = new LongAdder();

    protected PollenIoHandler(PollerBackend backend, ThreadAwareExecutor executor, SelectStrategy selectStrategy) {
        this(backend, executor, selectStrategy, 0);
    }

    /**
     * @param maxEvents how many ready events one wait can return at first (0: the default, 4096);
     *                  the buffer doubles whenever a wait fills it, up to 2^20
     */
    protected PollenIoHandler(PollerBackend backend, ThreadAwareExecutor executor, SelectStrategy selectStrategy,
                              int maxEvents) {
        checkMaxEvents(maxEvents);
        this.backend = backend;
        int caps = backend.capabilities();
        this.closeRemoves = (caps & PollerBackend.CAP_CLOSE_REMOVES) != 0;
        this.ioBatching = (caps & PollerBackend.CAP_IO_BATCH) != 0;
        this.batchPoll = (caps & PollerBackend.CAP_IO_BATCH_POLL) != 0;
        this.executor = executor;
        this.selectStrategy = selectStrategy;
        this.capacity = maxEvents == 0 ? INITIAL_EVENTS : maxEvents;
        setEventBuffer(NativeMemory.allocate(capacity * EVENT_SIZE));
        long p = backend.create(capacity);
        if (p < 0) {
            eventMemory.free();
            throw new IllegalStateException(Errors.newIOException(backend.name() + "_create", (int) p));
        }
        this.poller = p;
        if (ioBatching) {
            // An empty batch makes what batches need (epoll: its io_uring) now, not in the first busy batch.
            int rc = backend.ioBatch(p, 0, 0);
            if (rc < 0) {
                ioBatching = false;
                logger.debug("Batched reads and writes unavailable; making them one by one",
                        Errors.newIOException(backend.name() + "_io_batch", rc));
            } else {
                ioBatch = new IoBatch();
            }
        }
    }

    /** How a transport makes its handler; see {@link #factory}. */
    @FunctionalInterface
    protected interface HandlerConstructor {
        PollenIoHandler newHandler(ThreadAwareExecutor executor, SelectStrategy strategy, int maxEvents);
    }

    /**
     * The {@link IoHandlerFactory} behind each transport's {@code newFactory(maxEvents, strategyFactory)}:
     * checks the arguments, then makes one handler per loop with its own select strategy.
     */
    protected static IoHandlerFactory factory(int maxEvents, SelectStrategyFactory strategyFactory,
                                              HandlerConstructor constructor) {
        ObjectUtil.checkNotNull(strategyFactory, "strategyFactory");
        checkMaxEvents(maxEvents);
        return new IoHandlerFactory() {
            @Override
            public IoHandler newHandler(ThreadAwareExecutor executor) {
                return constructor.newHandler(executor, strategyFactory.newSelectStrategy(), maxEvents);
            }

            @Override
            public boolean isChangingThreadSupported() {
                return true;
            }
        };
    }

    private static void checkMaxEvents(int maxEvents) {
        if (maxEvents < 0 || maxEvents > MAX_EVENTS) {
            throw new IllegalArgumentException("maxEvents: " + maxEvents + " (expected: 0-" + MAX_EVENTS + ")");
        }
    }

    private void setEventBuffer(NativeMemory memory) {
        eventMemory = memory;
        events = memory.buffer();
        eventsAddress = memory.address();
    }

    private static boolean hasActiveIoTimeApi() {
        try {
            IoHandlerContext.class.getMethod("shouldReportActiveIoTime");
            IoHandlerContext.class.getMethod("reportActiveIoTime", long.class);
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    /** The handler whose loop runs on the calling thread, or null. */
    public static PollenIoHandler current() {
        return CURRENT.get();
    }

    public final PollerBackend backend() {
        return backend;
    }

    @Override
    public void initialize() {
        CURRENT.set(this);
    }

    @Override
    public final int run(IoHandlerContext context) {
        int n;
        int strategy;
        try {
            strategy = selectStrategy.calculateStrategy(pollNow, !context.canBlock());
        } catch (Exception e) {
            throw new IllegalStateException("calculateStrategy(..) failed", e);
        }
        switch (strategy) {
            case SelectStrategy.CONTINUE:
                n = 0;
                break;
            case SelectStrategy.BUSY_WAIT:
                // Spin on non-blocking waits until I/O or a task arrives: lowest latency, one core.
                do {
                    n = poll(0);
                } while (n == 0 && context.canBlock());
                break;
            case SelectStrategy.SELECT:
                wakeState.set(SLEEPING);
                try {
                    // Re-check after publishing SLEEPING: a task added in between has woken us.
                    n = context.canBlock() ? poll(context.delayNanos(System.nanoTime())) : poll(0);
                } finally {
                    // A wake-up that raced this reset is still in the eventfd: the next wait returns at once.
                    wakeState.set(AWAKE);
                }
                break;
            default:
                n = strategy; // the strategy already polled
        }
        if (n == 0) {
            if (ACTIVE_IO_TIME && context.shouldReportActiveIoTime()) {
                context.reportActiveIoTime(0);
            }
            return 0;
        }
        int handled;
        if (ACTIVE_IO_TIME && context.shouldReportActiveIoTime()) {
            long start = System.nanoTime();
            handled = dispatch(n);
            context.reportActiveIoTime(System.nanoTime() - start);
        } else {
            handled = dispatch(n);
        }
        if (n == capacity && capacity < MAX_EVENTS) {
            try {
                grow();
            } catch (OutOfMemoryError e) {
                // The loop goes on with the buffer it has: the events that did not fit are still ready.
                logger.warn("Could not grow the event buffer beyond {} events", capacity, e);
            }
        }
        return handled;
    }

    private int poll(long timeoutNanos) {
        if (dirtyCount != 0) {
            flushInterest();
        }
        waits++;
        int n = backend.wait(poller, eventsAddress, capacity, timeoutNanos);
        if (n < 0) {
            waitFailed(n);
            return 0;
        }
        failureStreak = 0;
        return n;
    }

    /**
     * A wait failed (the poller's descriptor closed by someone else, no kernel memory): the loop
     * goes on running its tasks, but waits again only after a pause that doubles from 1 ms to 1 s
     * while the failures last, so it neither spins a core nor floods the log (as Netty's own loops
     * pause after an unexpected exception).
     */
    private void waitFailed(int rc) {
        failedWaits++;
        long pause = Math.min(TimeUnit.MILLISECONDS.toNanos(1L << Math.min(failureStreak, 20)), MAX_WAIT_BACKOFF_NANOS);
        failureStreak++;
        logger.warn("Unexpected error while waiting for events (failure {} in a row, next wait in {} ms)", failureStreak,
                TimeUnit.NANOSECONDS.toMillis(pause), Errors.newIOException(backend.name() + "_wait", rc));
        long end = System.nanoTime() + pause;
        for (long left = pause; left > 0; left = end - System.nanoTime()) {
            LockSupport.parkNanos(left); // may return early: park again for what is left
        }
    }

    private int dispatch(int n) {
        try {
            return dispatch0(n);
        } finally {
            if (heldCount != 0) {
                releaseHeldFlushes(true);
            } else if (dirtyCount != 0 && ioBatching && batchPoll) {
                // No writes, but changes (new connections' registrations): one entry with the next wait.
                sendHeldFlushes(true);
                if (failedChanges != 0) {
                    reportFailedChanges();
                }
            }
        }
    }

    /**
     * The most events of one wait handled before the writes they held are made: a larger wait is
     * handled slice by slice, each slice's reads made together, its events handled, its held writes
     * made together (after the last slice, with the next wait where the backend can). At 512
     * pipelined HTTP connections per loop a wait returns about 90 events, and handling them as one
     * cost about 7% more CPU per request than slices of 32 (benchmarks/OPTIMISATIONS.md, change 13):
     * most likely because by the end of so large a batch the first channels' buffers have left the
     * cache, as the kernel's slower copies of them suggest. Each slice after the first adds up to
     * two kernel entries, one for its reads and one for the writes of the slice before it.
     */
    public static final int EVENTS_PER_SLICE = 32;

    private int dispatch0(int n) {
        int handled = 0;
        for (int start = 0; start < n; start += EVENTS_PER_SLICE) {
            int end = Math.min(n, start + EVENTS_PER_SLICE);
            handled += dispatchSlice(start, end);
            if (end < n && heldCount != 0) {
                releaseHeldFlushes(false);
            }
        }
        return handled;
    }

    /** Handles events start to end - 1, after making their reads together where batching (and several are ready). */
    private int dispatchSlice(int start, int end) {
        if (ioBatching && end - start > 1) {
            readBatch(start, end);
        }
        int handled = 0;
        ByteBuffer ev = events;
        for (int i = start; i < end; i++) {
            int off = i * EVENT_SIZE;
            long token = ev.getLong(off + EVENT_TOKEN);
            int ready = ev.getInt(off + EVENT_READY);
            int slot = (int) token;
            PollenIoRegistration reg = slot >= 0 && slot < table.length ? table[slot] : null;
            if (reg == null || reg.token != token) {
                // Cancelled earlier in this batch, or a reused slot: never deliver.
                staleEvents++;
                continue;
            }
            // Only what the registration still asks for (READABLE and WRITABLE share INTEREST_READ's
            // and INTEREST_WRITE's bits): an earlier handler, or a task run since a batch's wait
            // found this event, may have stopped its reads. Level-triggered: it comes again if asked.
            ready &= reg.wantedInterest | ~(Readiness.READABLE | Readiness.WRITABLE);
            if (ready == 0) {
                staleEvents++;
                continue;
            }
            eventsDelivered++;
            event.ready(ready);
            try {
                reg.handle.handle(reg, event);
            } catch (Throwable t) {
                logger.warn("Unexpected exception from {}", reg.handle, t);
            }
            handled++;
        }
        return handled;
    }

    /**
     * Makes the first read of every readable stream channel of a slice of this wait (events start to
     * end - 1) in one kernel entry, before any of its events is handled: each channel allocates its
     * buffer as for a read of its own, the reads are made, and each channel's readReady then starts
     * from what its read brought. Channels closed by an earlier event's handler drop their buffer
     * when they close.
     */
    private void readBatch(int start, int end) {
        IoBatch batch = ioBatch.clear();
        ByteBuffer ev = events;
        int count = 0;
        for (int i = start; i < end && count < IoBatch.MAX_OPS; i++) {
            int off = i * EVENT_SIZE;
            if ((ev.getInt(off + EVENT_READY) & (Readiness.READABLE | Readiness.ERROR)) != Readiness.READABLE) {
                continue; // an error is reported by the read of its own
            }
            long token = ev.getLong(off + EVENT_TOKEN);
            int slot = (int) token;
            PollenIoRegistration reg = slot >= 0 && slot < table.length ? table[slot] : null;
            if (reg == null || reg.token != token || !(reg.handle instanceof AbstractPollenChannel.AbstractPollenUnsafe)) {
                continue;
            }
            AbstractPollenChannel.AbstractPollenUnsafe unsafe = (AbstractPollenChannel.AbstractPollenUnsafe) reg.handle;
            int before = batch.count();
            try {
                unsafe.addToReadBatch(batch);
            } catch (Throwable t) {
                logger.warn("Unexpected exception while preparing a read of {}", unsafe, t);
            }
            if (batch.count() != before) {
                if (count == readBatchChannels.length) {
                    AbstractPollenChannel.AbstractPollenUnsafe[] bigger =
                            new AbstractPollenChannel.AbstractPollenUnsafe[count << 1];
                    System.arraycopy(readBatchChannels, 0, bigger, 0, count);
                    readBatchChannels = bigger;
                }
                readBatchChannels[count++] = unsafe;
            }
        }
        if (count == 0) {
            return;
        }
        int rc = backend.ioBatch(poller, batch.address(), batch.count());
        readBatches++;
        batchedReads += count;
        for (int i = 0; i < count; i++) {
            readBatchChannels[i].takeReadResult(batch);
            readBatchChannels[i] = null;
        }
        if (rc < 0) {
            batchFailed(rc);
        }
    }

    /** The backend failed a batch: what it did not make is made the plain way, now and from now on. */
    private void batchFailed(int rc) {
        ioBatching = false;
        logger.warn("Batched reads and writes failed; this loop makes them one by one from now on",
                Errors.newIOException(backend.name() + "_io_batch", rc));
    }

    /**
     * Marks the start or end of a channel's read handling within a batch: flushes made in between
     * (by channelRead and channelReadComplete, to any channel of this loop) may be held.
     */
    void holdFlushes(boolean hold) {
        holding = hold;
    }

    /**
     * Holds a channel's flush until every ready event of this slice of the wait has been handled
     * (see {@link #EVENTS_PER_SLICE}), so that the slice's writes leave back to back: a peer woken
     * by the first finds the others waiting instead of sleeping again between them, and several
     * flushes of one channel in a slice become one write. False when not handling reads (connect
     * completion, tasks, other threads): write now.
     */
    boolean holdFlush(AbstractPollenChannel.AbstractPollenUnsafe unsafe) {
        if (!holding) {
            return false;
        }
        if (heldCount == heldFlushes.length) {
            AbstractPollenChannel.AbstractPollenUnsafe[] bigger =
                    new AbstractPollenChannel.AbstractPollenUnsafe[heldCount << 1];
            System.arraycopy(heldFlushes, 0, bigger, 0, heldCount);
            heldFlushes = bigger;
        }
        heldFlushes[heldCount++] = unsafe;
        return true;
    }

    /** Makes the held writes; startWait: after the wait's last slice, so the batch may start the next wait. */
    private void releaseHeldFlushes(boolean startWait) {
        // One held write is worth a batch too when the batch also starts the next wait.
        if (ioBatching && (heldCount > 1 || startWait && batchPoll)) {
            sendHeldFlushes(startWait);
        }
        // Each channel accounts for what the batch wrote, then writes what is left the plain way.
        for (int i = 0; i < heldCount; i++) {
            AbstractPollenChannel.AbstractPollenUnsafe unsafe = heldFlushes[i];
            heldFlushes[i] = null;
            try {
                unsafe.releaseHeldFlush();
            } catch (Throwable t) {
                logger.warn("Unexpected exception while flushing {}", unsafe, t);
            }
        }
        heldCount = 0;
        if (failedChanges != 0) {
            reportFailedChanges();
        }
    }

    /**
     * Makes the held writes in one kernel entry: every channel's flushed buffers are described
     * first, the batch is made, and each channel is given its result before any of them goes on
     * (no handler runs in between, so none can write, close or deregister a channel whose write
     * is in the batch). Where the backend can and startWait is set (after the wait's last slice),
     * the same entry starts the next wait: the events ready then are what the next {@link #poll}
     * returns, without entering the kernel again.
     * Handling them after this loop's tasks is safe as any batch's later events are: a
     * registration cancelled meanwhile drops them by its token, and a channel checks its state
     * before it reads or writes.
     * <p>
     * The wait must see the interest changes the batch's handlers made: they go in the same entry,
     * before it (also when no write was held: the changes and the wait then make the entry). A change
     * that fails is reported once every channel has accounted for its write, as reporting it closes
     * its channel.
     */
    private void sendHeldFlushes(boolean startWait) {
        boolean poll = startWait && batchPoll;
        boolean changesInBatch = poll && dirtyCount != 0 && heldCount + dirtyCount < IoBatch.MAX_OPS;
        if (poll && dirtyCount != 0 && !changesInBatch) {
            flushInterest(); // too many for the batch; first, so that no write described below is closed
        }
        IoBatch batch = ioBatch.clear();
        for (int i = 0; i < heldCount; i++) {
            heldFlushes[i].addToSendBatch(batch);
        }
        int count = batch.count();
        int changes = changesInBatch ? addChanges(batch) : 0;
        if (count + changes == 0) {
            return;
        }
        int wait = poll ? batch.addPoll() : -1;
        int rc = backend.ioBatch(poller, batch.address(), batch.count());
        if (count != 0) {
            sendBatches++;
            batchedSends += count;
        }
        if (wait >= 0 && batch.result(wait) == 0) {
            batchWaits++;
        }
        for (int i = 0; i < heldCount; i++) {
            heldFlushes[i].takeSendResult(batch);
        }
        if (changes != 0) {
            takeChangeResults(batch, count, changes);
        }
        if (rc < 0) {
            batchFailed(rc); // the writes not made are made the plain way below
        }
    }

    /** Moves the recorded interest changes into the batch (all fit); how many it added. */
    private int addChanges(IoBatch batch) {
        int n = 0;
        for (int i = 0; i < dirtyCount; i++) {
            PollenIoRegistration reg = dirty[i];
            dirty[i] = null;
            if (!reg.dirty) {
                continue; // removed since
            }
            reg.dirty = false;
            int interest = reg.wantedInterest;
            if (interest == reg.kernelInterest) {
                continue;
            }
            batch.addCtl(reg.handle.fd(), ctlOp(interest, reg.kernelInterest), interest, reg.token);
            if (n == changed.length) {
                changed = Arrays.copyOf(changed, n << 1);
                changeFailures = Arrays.copyOf(changeFailures, n << 1);
            }
            changed[n++] = reg;
        }
        dirtyCount = 0;
        return n;
    }

    /**
     * Takes the results of the batch's interest changes, at indexes first to first + n: a change made
     * is in force; one not made is recorded again, for the poller before the next wait; a failure is
     * kept for {@link #reportFailedChanges}.
     */
    private void takeChangeResults(IoBatch batch, int first, int n) {
        int failed = 0;
        for (int i = 0; i < n; i++) {
            PollenIoRegistration reg = changed[i];
            changed[i] = null;
            long rc = batch.result(first + i);
            if (rc == IoBatch.NOT_MADE) {
                markDirty(reg);
                continue;
            }
            batchedCtls++;
            if (rc == 0) {
                reg.kernelInterest = reg.wantedInterest; // no handler has run since addChanges
            } else {
                changed[failed] = reg;
                changeFailures[failed++] = ctlFailure(ctlOp(reg.wantedInterest, reg.kernelInterest), (int) rc);
            }
        }
        failedChanges = failed;
    }

    /** Reports the interest changes a batch failed to their handles (a channel closes). */
    private void reportFailedChanges() {
        int n = failedChanges;
        failedChanges = 0;
        for (int i = 0; i < n; i++) {
            PollenIoRegistration reg = changed[i];
            IOException cause = changeFailures[i];
            changed[i] = null;
            changeFailures[i] = null;
            if (!reg.isValid()) {
                continue; // cancelled since: nothing left to fail
            }
            try {
                reg.handle.interestFailed(cause);
            } catch (Throwable t) {
                logger.warn("Failed to change interest of {}", reg.handle, cause);
            }
        }
    }

    private void grow() {
        int next = capacity << 1;
        NativeMemory bigger = NativeMemory.allocate(next * EVENT_SIZE);
        eventMemory.free();
        setEventBuffer(bigger);
        capacity = next;
    }

    @Override
    public final void wakeup() {
        // Only a sleeping loop needs the system call, and only one waker makes it.
        if (!executor.isExecutorThread(Thread.currentThread())
                && wakeState.get() == SLEEPING && wakeState.getAndSet(AWAKE) == SLEEPING) {
            // Counted, so that destroy() never frees the poller under this write.
            wakersInFlight.incrementAndGet();
            try {
                if (!closed) {
                    wakeupsWritten.increment();
                    int rc = backend.wake(poller);
                    if (rc < 0) {
                        logger.warn("Failed to wake the event loop",
                                Errors.newIOException(backend.name() + "_wake", rc));
                    }
                }
            } finally {
                wakersInFlight.decrementAndGet();
            }
        }
    }

    @Override
    public final IoRegistration register(IoHandle handle) throws Exception {
        if (!(handle instanceof PollenIoHandle)) {
            throw new IllegalArgumentException("register(..) failed: " + handle + " is not a Pollen IoHandle");
        }
        int slot;
        if (freeCount > 0) {
            slot = freeSlots[--freeCount];
        } else {
            if (nextSlot == table.length) {
                PollenIoRegistration[] bigger = new PollenIoRegistration[table.length << 1];
                System.arraycopy(table, 0, bigger, 0, table.length);
                table = bigger;
            }
            slot = nextSlot++;
        }
        long token = ((long) ++serial << 32) | slot;
        PollenIoRegistration reg = new PollenIoRegistration(this, (PollenIoHandle) handle, token);
        table[slot] = reg;
        registrations++;
        reg.handle.registered();
        return reg;
    }

    @Override
    public boolean isCompatible(Class<? extends IoHandle> handleType) {
        return PollenIoHandle.class.isAssignableFrom(handleType);
    }

    @Override
    public void prepareToDestroy() {
        closeRegistrations();
    }

    /**
     * Closes every handle still registered. Called before destroying as well: a loop shut down with no
     * quiet period can end between its last {@code prepareToDestroy()} and the shutdown request, and its
     * handles (channels, watched descriptors) must still be closed and told they are unregistered.
     */
    private void closeRegistrations() {
        List<PollenIoRegistration> all = new ArrayList<>(registrations);
        for (PollenIoRegistration r : table) {
            if (r != null) {
                all.add(r);
            }
        }
        for (PollenIoRegistration r : all) {
            try {
                r.handle.close();
            } catch (Exception e) {
                logger.debug("Failed to close {}", r.handle, e);
            }
        }
    }

    @Override
    public void destroy() {
        if (registrations != 0) {
            closeRegistrations();
        }
        // Refuse new wake-ups, then wait out one being written by another thread.
        closed = true;
        while (wakersInFlight.get() != 0) {
            Thread.onSpinWait();
        }
        try {
            int rc = backend.close(poller);
            if (rc < 0) {
                logger.warn("Failed to close the poller", Errors.newIOException(backend.name() + "_close", rc));
            }
        } finally {
            eventMemory.free();
            if (iovArray != null) {
                iovArray.release();
            }
            if (ioBatch != null) {
                ioBatch.release();
            }
            if (datagramReads != null) {
                datagramReads.release();
            }
            if (datagramWrites != null) {
                datagramWrites.release();
            }
            if (scratch != null) {
                scratch.free();
            }
            if (CURRENT.get() == this) {
                CURRENT.remove();
            }
        }
    }

    /**
     * Records an interest set on the loop thread; the poller gets it before the next wait, so that
     * changes within one iteration (register then start reading, set then clear WRITE) cost at most
     * one call, and none for a registration removed before the wait. Returns the interest asked for.
     */
    int apply(PollenIoRegistration reg, int interest) {
        reg.wantedInterest = interest;
        if (!reg.dirty && interest != reg.kernelInterest) {
            markDirty(reg);
        }
        return interest;
    }

    private void markDirty(PollenIoRegistration reg) {
        reg.dirty = true;
        if (dirtyCount == dirty.length) {
            PollenIoRegistration[] bigger = new PollenIoRegistration[dirty.length << 1];
            System.arraycopy(dirty, 0, bigger, 0, dirty.length);
            dirty = bigger;
        }
        dirty[dirtyCount++] = reg;
    }

    /** Hands the recorded interest changes to the poller; a failure closes its channel. */
    private void flushInterest() {
        // A failure may close a channel, which may record more changes: those are flushed too.
        for (int i = 0; i < dirtyCount; i++) {
            PollenIoRegistration reg = dirty[i];
            dirty[i] = null;
            if (!reg.dirty) {
                continue; // removed since
            }
            reg.dirty = false;
            try {
                applyNow(reg, reg.wantedInterest);
            } catch (UncheckedIOException e) {
                try {
                    reg.handle.interestFailed(e.getCause());
                } catch (Throwable t) {
                    logger.warn("Failed to change interest of {}", reg.handle, e);
                }
            }
        }
        dirtyCount = 0;
    }

    /** Applies an interest set to the poller now; returns the interest now in force. */
    private int applyNow(PollenIoRegistration reg, int interest) {
        int kernel = reg.kernelInterest;
        if (interest == kernel) {
            return interest;
        }
        // Nothing asked for: leave the poller (DEL), or errors and hang-ups would be reported forever.
        int rc = backend.ctl(poller, ctlOp(interest, kernel), reg.handle.fd(), interest, reg.token);
        ctlCalls++;
        if (rc < 0) {
            throw new UncheckedIOException(ctlFailure(ctlOp(interest, kernel), rc));
        }
        reg.kernelInterest = interest;
        return interest;
    }

    private static int ctlOp(int interest, int kernelInterest) {
        return interest == 0 ? PollerBackend.CTL_DEL
                : kernelInterest == 0 ? PollerBackend.CTL_ADD : PollerBackend.CTL_MOD;
    }

    private IOException ctlFailure(int op, int rc) {
        String name = op == PollerBackend.CTL_DEL ? "del" : op == PollerBackend.CTL_ADD ? "add" : "mod";
        return Errors.newIOException(backend.name() + "_ctl_" + name, rc);
    }

    /** Removes a registration on the loop thread; its pending events in this batch are dropped. */
    void remove(PollenIoRegistration reg) {
        // A change not yet handed to the poller is dropped with it.
        reg.dirty = false;
        // A descriptor about to be closed by its only holder leaves the poller with the close.
        if (reg.kernelInterest != 0 && !(closeRemoves && reg.handle.closingOwnDescriptor())) {
            int rc = backend.ctl(poller, PollerBackend.CTL_DEL, reg.handle.fd(), 0, reg.token);
            ctlCalls++;
            if (rc < 0 && logger.isDebugEnabled()) {
                logger.debug("Failed to remove fd {}", reg.handle.fd(), Errors.newIOException(backend.name() + "_ctl_del", rc));
            }
        }
        reg.kernelInterest = 0;
        int slot = (int) reg.token;
        if (table[slot] == reg) {
            table[slot] = null;
            if (freeCount == freeSlots.length) {
                int[] bigger = new int[freeSlots.length << 1];
                System.arraycopy(freeSlots, 0, bigger, 0, freeSlots.length);
                freeSlots = bigger;
            }
            freeSlots[freeCount++] = slot;
            registrations--;
        }
    }

    boolean inLoop() {
        return executor.isExecutorThread(Thread.currentThread());
    }

    void execute(Runnable task) {
        executor.execute(task);
    }

    /** The loop's iovec array for gathering writes (loop thread only). */
    public final IovArray iovArray() {
        IovArray a = iovArray;
        if (a == null) {
            a = iovArray = new IovArray();
        }
        return a.clear();
    }

    /** The loop's datagram packet array for batched reads or writes (loop thread only). */
    final DatagramPacketArray datagramArray(boolean forRead) {
        DatagramPacketArray a = forRead ? datagramReads : datagramWrites;
        if (a == null) {
            a = new DatagramPacketArray();
            if (forRead) {
                datagramReads = a;
            } else {
                datagramWrites = a;
            }
        }
        return a.clear();
    }

    /** A direct scratch buffer of at least {@code size} bytes (loop thread only). */
    public final ByteBuffer scratch(int size) {
        NativeMemory s = scratch;
        if (s == null || s.capacity() < size) {
            NativeMemory bigger = NativeMemory.allocate(Math.max(size, 65536));
            if (s != null) {
                s.free();
            }
            s = scratch = bigger;
        }
        ByteBuffer b = s.buffer();
        b.clear();
        return b;
    }

    public final long waitCount() {
        return waits;
    }

    /** Waits that returned an error; each is followed by a pause (see {@link #waitCount()}). */
    public final long failedWaitCount() {
        return failedWaits;
    }

    public final long eventCount() {
        return eventsDelivered;
    }

    public final long staleEventCount() {
        return staleEvents;
    }

    public final long ctlCount() {
        return ctlCalls;
    }

    /** Batches of writes made in one kernel entry each ({@link PollerBackend#CAP_IO_BATCH}). */
    public final long sendBatchCount() {
        return sendBatches;
    }

    /** Writes made in those batches. */
    public final long batchedSendCount() {
        return batchedSends;
    }

    /** Batches of reads made in one kernel entry each, before a wait's events are handled. */
    public final long readBatchCount() {
        return readBatches;
    }

    /** Reads made in those batches. */
    public final long batchedReadCount() {
        return batchedReads;
    }

    /**
     * Waits started in the kernel entry of a batch of writes or of interest changes
     * ({@link PollerBackend#CAP_IO_BATCH_POLL}).
     */
    public final long batchWaitCount() {
        return batchWaits;
    }

    /**
     * Interest changes made in a batch's kernel entry, before its wait, with or without writes (not in
     * {@link #ctlCount()}).
     */
    public final long batchedCtlCount() {
        return batchedCtls;
    }

    /**
     * Receive calls of datagram channels that asked for several datagrams at once without
     * MAX_DATAGRAM_PAYLOAD_SIZE set (recvmmsg into the loop's scratch memory): made after a read
     * event that took more than one datagram.
     */
    public final long datagramBatchReadCount() {
        return datagramBatchReads;
    }

    /** Whether reads and held writes go to the kernel in batches: the backend can, and none has failed. */
    public final boolean isIoBatching() {
        return ioBatching;
    }

    public final long wakeupCount() {
        return wakeupsWritten.sum();
    }

    public final int registrationCount() {
        return registrations;
    }

    public final int eventCapacity() {
        return capacity;
    }

    /** The interest set of every registration with flag names; call on the loop thread. */
    public final String dumpInterestSet() {
        StringBuilder sb = new StringBuilder();
        for (PollenIoRegistration r : table) {
            if (r != null) {
                sb.append("fd ").append(r.handle.fd()).append(": ")
                  .append(backend.nativeInterestNames(r.kernelInterest)).append(" (")
                  .append(Readiness.interestToString(r.kernelInterest)).append(") ")
                  .append(r.dirty ? "changing to " + Readiness.interestToString(r.wantedInterest) + " " : "")
                  .append(r.handle).append('\n');
            }
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "{registrations=" + registrations + ", waits=" + waits
                + (failedWaits != 0 ? ", failedWaits=" + failedWaits : "")
                + ", events=" + eventsDelivered + ", staleEvents=" + staleEvents + ", ctls=" + ctlCalls
                + (ioBatching || sendBatches != 0 || readBatches != 0 ? ", sendBatches=" + sendBatches + ", batchedSends="
                        + batchedSends + ", readBatches=" + readBatches + ", batchedReads=" + batchedReads
                        + ", batchWaits=" + batchWaits + ", batchedCtls=" + batchedCtls : "")
                + (datagramBatchReads != 0 ? ", datagramBatchReads=" + datagramBatchReads : "")
                + ", wakeups=" + wakeupsWritten.sum() + ", eventCapacity=" + capacity + '}';
    }

    static final class PollenIoRegistration implements IoRegistration {
        final PollenIoHandler handler;
        final PollenIoHandle handle;
        final long token;
        int kernelInterest;
        /** The interest last asked for, and whether the poller has yet to get it. */
        int wantedInterest;
        boolean dirty;
        private volatile boolean valid = true;

        PollenIoRegistration(PollenIoHandler handler, PollenIoHandle handle, long token) {
            this.handler = handler;
            this.handle = handle;
            this.token = token;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T attachment() {
            return (T) handler;
        }

        @Override
        public long submit(IoOps ops) {
            int interest = ((PollenIoOps) ops).interest();
            if (!valid) {
                throw new IllegalStateException("submit(..) failed: registration cancelled");
            }
            if (handler.inLoop()) {
                return handler.apply(this, interest);
            }
            handler.execute(() -> {
                if (valid) {
                    try {
                        handler.apply(this, interest);
                    } catch (UncheckedIOException e) {
                        logger.warn("Failed to change interest of {}", handle, e);
                    }
                }
            });
            return interest;
        }

        @Override
        public boolean isValid() {
            return valid;
        }

        @Override
        public boolean cancel() {
            if (!valid) {
                return false;
            }
            valid = false;
            if (handler.inLoop()) {
                cancel0();
            } else {
                handler.execute(this::cancel0);
            }
            return true;
        }

        private void cancel0() {
            handler.remove(this);
            handle.unregistered();
        }

        @Override
        public String toString() {
            return "PollenIoRegistration{fd=" + handle.fd() + ", interest="
                    + Readiness.interestToString(kernelInterest) + (valid ? "" : ", cancelled") + '}';
        }
    }
}
