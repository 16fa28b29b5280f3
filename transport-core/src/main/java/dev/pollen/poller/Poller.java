package dev.pollen.poller;

import dev.pollen.channel.core.Descriptors;
import dev.pollen.channel.core.Errors;
import dev.pollen.channel.core.NativeMemory;
import dev.pollen.channel.core.PollerBackend;
import dev.pollen.channel.core.Readiness;
import dev.pollen.channel.core.Timeouts;
import dev.pollen.transport.PollenTransport;
import dev.pollen.transport.Transport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.time.Duration;
import java.util.Arrays;
import java.util.ConcurrentModificationException;

/**
 * A level-triggered readiness poller over the operating system's own: epoll on Linux, kqueue on
 * macOS and the BSDs, the AFD poller (as wepoll drives it) on Windows. It is the poller a Pollen
 * event loop runs on, without the loop: plain Java threads use it on any descriptor a program has,
 * such as a JDK {@code SocketChannel} or pipe, a Pollen channel's descriptor, or a file descriptor
 * from native code ({@link #descriptor(Object)}).
 *
 * <pre>{@code
 * try (Poller poller = Poller.open(64)) {
 *     poller.set(Poller.descriptor(socketChannel), Poller.READ);
 *     while (running) {
 *         poller.poll(Duration.ofSeconds(1));
 *         poller.forEachReady((fd, ready) -> handle(fd, ready));
 *     }
 * }
 * }</pre>
 *
 * <h2>The interest set and its mirror</h2>
 * The poller keeps a copy of the interest set it gave the kernel: {@link #find(int)}, {@link #size()},
 * {@link #forEach(EntryConsumer)} and {@link #toString()} answer from it without a system call, and
 * {@link #set(int, int)} makes none when an entry already has the flags asked for. Entries are keyed
 * by descriptor number. Each entry added gets a new serial, carried with its events, so an event that
 * belongs to an entry removed or replaced since it was queued is never delivered: not by the poll
 * that returns it, and not while walking a ready set after {@link #remove(int)} was called for it.
 * Remove a descriptor before closing it (a late {@code remove} only forgets the entry). A number
 * closed while in the set and then reused by a new descriptor still has the old entry: {@code set}
 * with other flags registers the new descriptor afresh, but {@code set} with the same flags is
 * skipped like any unchanged entry, so remove the number first.
 *
 * <h2>Waiting</h2>
 * {@link #poll(Duration)} waits at most the timeout, which is never rounded down: a backend with
 * millisecond waits rounds it up. The ready set goes into a buffer allocated at {@link #open}; up to
 * {@code capacity} descriptors are returned per poll (the rest stay ready, level-triggered, for the
 * next). {@link #readyCount()}, {@link #readyFd(int)}, {@link #readyEvents(int)} and
 * {@link #forEachReady(ReadyConsumer)} walk it without allocating.
 *
 * <h2>Threads</h2>
 * A poller is not thread-safe: one thread at a time sets, removes, polls and walks. Two methods may be
 * called from any thread: {@link #wakeup()}, which makes the poll in progress (or the next) return,
 * and {@link #close()}, which makes a poll in progress return 0 and frees the poller once it has.
 *
 * <h2>Errors</h2>
 * epoll and wepoll apply {@code set} and {@code remove} at once and throw the poller's refusal (a closed
 * descriptor, a regular file on Linux) from the call. kqueue applies changes with the next poll, as
 * {@code kevent} does; a change it refuses is reported there as {@link #ERROR} readiness of that
 * descriptor.
 *
 * <h2>What a backend refuses</h2>
 * Unsupported modes throw {@link UnsupportedOperationException} instead of being ignored:
 * {@link #EDGE_TRIGGERED} everywhere (the pollers are driven level-triggered; the native bindings
 * offer edge triggering), {@link #ONESHOT} where {@link #supportsOneShot()} is false (kqueue), and
 * {@link #PRIORITY} where {@link #supportsPriority()} is false (kqueue, which has no filter for
 * urgent data).
 */
public final class Poller implements AutoCloseable {
    /** Interest: the descriptor has data to read, or a connection to accept. */
    public static final int READ = Readiness.INTEREST_READ;
    /** Interest: the descriptor can be written without blocking. */
    public static final int WRITE = Readiness.INTEREST_WRITE;
    /**
     * Interest and readiness: the peer shut its side down (reported as its own bit where
     * {@link #supportsReadClosed()}; elsewhere the descriptor turns {@link #READABLE} and a read gives
     * end of stream).
     */
    public static final int READ_CLOSED = Readiness.INTEREST_READ_CLOSED;
    /** Entry flag: report one event, then none until the entry is set again. */
    public static final int ONESHOT = Readiness.INTEREST_ONESHOT;
    /**
     * Interest and readiness: urgent (out-of-band) data waits, as TCP's {@code MSG_OOB} sends it; where
     * {@link #supportsPriority()}.
     */
    public static final int PRIORITY = Readiness.INTEREST_PRIORITY;
    /** Entry flag: report changes only. Refused by every backend of this API (see the class comment). */
    public static final int EDGE_TRIGGERED = 0x20;

    /** Readiness: a read will not block. */
    public static final int READABLE = Readiness.READABLE;
    /** Readiness: a write will not block. */
    public static final int WRITABLE = Readiness.WRITABLE;
    /** Readiness: an error is pending on the descriptor, or it hung up. */
    public static final int ERROR = Readiness.ERROR;
    // PRIORITY (above) is a readiness bit too.

    private static final int INTEREST_MASK = READ | WRITE | READ_CLOSED | PRIORITY;
    private static final int FLAG_MASK = INTEREST_MASK | ONESHOT | EDGE_TRIGGERED;
    private static final String[] FLAG_NAMES = {"READ", "WRITE", "READ_CLOSED", "ONESHOT", "PRIORITY",
        "EDGE_TRIGGERED"};
    private static final String[] READY_NAMES = {"READABLE", "WRITABLE", "READ_CLOSED", "ERROR", "PRIORITY"};
    /** The most events one poll can return; as for an event loop's buffer. */
    public static final int MAX_CAPACITY = 1 << 20;
    private static final int EVENT_SIZE = 16;
    private static final int EMPTY = -1;

    private final PollerBackend backend;
    private final int capabilities;
    private final long handle;
    private final NativeMemory memory;
    private final ByteBuffer events;
    private final int capacity;

    // The mirror: open addressing on the descriptor number, linear probing, no tombstones.
    private int[] keys;
    private int[] flags;
    private int[] serials;
    private int size;
    private int modifications;
    private int nextSerial;

    // The last poll's ready set, already filtered; entries are re-checked when read.
    private final int[] readyFds;
    private final int[] readyBits;
    private final int[] readySerials;
    private int readyCount;
    /** {@link #modifications} when the ready set was taken: while it holds, no entry needs re-checking. */
    private int readyModifications;

    private long polls;
    private long staleEvents;
    private long ctlCalls;

    private final Object lifecycle = new Object();
    private boolean closed;
    private boolean polling;
    private boolean released;

    private Poller(PollerBackend backend, int capacity) throws IOException {
        if (capacity < 1 || capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException("open(..) failed: capacity " + capacity + " (expected: 1-"
                    + MAX_CAPACITY + ")");
        }
        this.backend = backend;
        this.capabilities = backend.capabilities();
        this.capacity = capacity;
        this.memory = NativeMemory.allocate(capacity * EVENT_SIZE);
        this.events = memory.buffer();
        long h = backend.create(capacity);
        if (h < 0) {
            memory.free();
            throw Errors.newIOException(backend.name() + "_create", (int) h);
        }
        this.handle = h;
        readyFds = new int[capacity];
        readyBits = new int[capacity];
        readySerials = new int[capacity];
        allocateTable(16);
    }

    /**
     * A poller on the transport {@link Transport#require()} chooses here (epoll, kqueue or wepoll;
     * {@code -Dpollen.transport} names one).
     *
     * @param capacity the most ready descriptors one poll returns, 1 to {@value #MAX_CAPACITY}
     * @throws UnsatisfiedLinkError if no Pollen transport can be used here, with each one's cause
     */
    public static Poller open(int capacity) throws IOException {
        return open(Transport.require(), capacity);
    }

    /**
     * A poller on the given Pollen transport's poller.
     *
     * @throws IllegalArgumentException for NIO, which has {@link java.nio.channels.Selector} instead
     * @throws UnsatisfiedLinkError if the transport cannot be used here
     */
    public static Poller open(Transport transport, int capacity) throws IOException {
        if (!(transport instanceof PollenTransport)) {
            throw new IllegalArgumentException("open(..) failed: " + transport.name()
                    + " is not a Pollen transport; use java.nio.channels.Selector");
        }
        return new Poller(((PollenTransport) transport).pollerBackend(), capacity);
    }

    /**
     * The descriptor (on Windows, the socket handle) of a JDK channel (socket, server socket, datagram,
     * pipe source or sink, and on Unix a {@code FileChannel}), a Pollen channel, or a {@code dev.pollen.channel.FileDescriptor}. The object
     * still owns it: remove it from every poller before closing the object.
     *
     * @throws java.nio.channels.ClosedChannelException if the object is closed
     * @throws IllegalArgumentException if the object has no descriptor Pollen can read
     */
    public static int descriptor(Object channel) throws IOException {
        Transport.require(); // JDK channels are read through the native library
        return Descriptors.of(channel);
    }

    /** The backend's name: {@code epoll}, {@code kqueue} or {@code wepoll}. */
    public String backend() {
        return backend.name();
    }

    /** Whether {@link #ONESHOT} entries are accepted. */
    public boolean supportsOneShot() {
        return (capabilities & PollerBackend.CAP_ONESHOT) != 0;
    }

    /** Always false: {@link #EDGE_TRIGGERED} is refused (see the class comment). */
    public boolean supportsEdgeTriggered() {
        return false;
    }

    /** Whether poll timeouts have nanosecond precision here; if not they are rounded up to milliseconds. */
    public boolean supportsNanosecondTimeouts() {
        return (capabilities & PollerBackend.CAP_NANO_TIMEOUT) != 0;
    }

    /** Whether urgent data can be watched ({@link #PRIORITY}): epoll and wepoll yes, kqueue no. */
    public boolean supportsPriority() {
        return (capabilities & PollerBackend.CAP_PRIORITY) != 0;
    }

    /** Whether a peer's shutdown is reported as {@link #READ_CLOSED} of its own. */
    public boolean supportsReadClosed() {
        return (capabilities & PollerBackend.CAP_READ_CLOSED) != 0;
    }

    /** The most ready descriptors one poll returns. */
    public int capacity() {
        return capacity;
    }

    /**
     * Watches {@code fd} for {@code flags} (interest bits, optionally {@link #ONESHOT}), adding an entry or
     * replacing the flags of the existing one. Setting the flags an entry already has makes no system call,
     * except with {@link #ONESHOT}, where it re-arms the entry.
     *
     * @throws IllegalArgumentException for a negative descriptor, no interest bit, or unknown bits
     * @throws UnsupportedOperationException for a mode this backend does not offer
     * @throws IOException if the poller refuses the descriptor (closed, or a kind it cannot watch)
     */
    public void set(int fd, int flags) throws IOException {
        checkFlags(fd, flags);
        ensureOpen();
        int slot = slotOf(fd);
        if (slot >= 0) {
            if (this.flags[slot] == flags && (flags & ONESHOT) == 0) {
                return;
            }
            int rc = ctl(PollerBackend.CTL_MOD, fd, flags, serials[slot]);
            if (rc == -Errors.ENOENT) {
                // The kernel forgot the entry: its descriptor was closed, and the number now names another.
                int serial = newSerial();
                rc = ctl(PollerBackend.CTL_ADD, fd, flags, serial);
                if (rc >= 0) {
                    serials[slot] = serial;
                    modifications++; // a new entry: the last poll's events for this number are stale
                }
            }
            if (rc < 0) {
                removeSlot(slot);
                throw Errors.newIOException("set", rc);
            }
            this.flags[slot] = flags;
            return;
        }
        int serial = newSerial();
        int rc = ctl(PollerBackend.CTL_ADD, fd, flags, serial);
        if (rc == -Errors.EEXIST) {
            // Registered under an old entry (closed while another copy of it stayed open): take it over.
            rc = ctl(PollerBackend.CTL_MOD, fd, flags, serial);
        }
        if (rc < 0) {
            throw Errors.newIOException("set", rc);
        }
        insert(fd, flags, serial);
    }

    /**
     * Stops watching {@code fd}. Returns false if it was not in the set. Events of the entry still to be
     * walked are dropped. A descriptor that was already closed is only forgotten.
     */
    public boolean remove(int fd) throws IOException {
        ensureOpen();
        int slot = fd < 0 ? -1 : slotOf(fd);
        if (slot < 0) {
            return false;
        }
        int serial = serials[slot];
        removeSlot(slot);
        int rc = ctl(PollerBackend.CTL_DEL, fd, 0, serial);
        if (rc < 0 && rc != -Errors.ENOENT && rc != -Errors.EBADF) {
            throw Errors.newIOException("remove", rc);
        }
        return true;
    }

    /** The flags {@code fd} is watched for, or 0 if it is not in the set. No system call. */
    public int find(int fd) {
        int slot = fd < 0 ? -1 : slotOf(fd);
        return slot < 0 ? 0 : flags[slot];
    }

    /** The number of descriptors in the set. */
    public int size() {
        return size;
    }

    /** Calls {@code action} for every entry, in no particular order; the set must not change meanwhile. */
    public void forEach(EntryConsumer action) {
        int expected = modifications;
        int[] k = keys;
        for (int i = 0; i < k.length; i++) {
            if (k[i] != EMPTY) {
                action.accept(k[i], flags[i]);
                if (modifications != expected) {
                    throw new ConcurrentModificationException("forEach(..): the set changed during the walk");
                }
            }
        }
    }

    /** Returns the ready descriptors at once, without waiting; see {@link #poll(Duration)}. */
    public int pollNow() throws IOException {
        return poll0(0);
    }

    /** Waits until a descriptor is ready or {@link #wakeup()} is called; see {@link #poll(Duration)}. */
    public int poll() throws IOException {
        return poll0(-1);
    }

    /**
     * Waits until a descriptor is ready, {@link #wakeup()} is called or the timeout passes (never less:
     * the timeout is rounded up where the backend counts milliseconds), and keeps the ready set for
     * {@link #forEachReady} and {@link #readyFd}. Returns the number of ready descriptors, 0 when woken,
     * timed out, interrupted by a signal, or closed meanwhile.
     *
     * @throws IllegalArgumentException for a negative timeout
     * @throws ClosedSelectorException if the poller is closed
     */
    public int poll(Duration timeout) throws IOException {
        return poll0(Timeouts.toNanos("poll", timeout));
    }

    private int poll0(long timeoutNanos) throws IOException {
        synchronized (lifecycle) {
            if (closed) {
                throw new ClosedSelectorException();
            }
            if (polling) {
                throw new IllegalStateException("poll(..) failed: another thread is polling this poller");
            }
            polling = true;
        }
        readyCount = 0;
        int n;
        boolean closedMeanwhile;
        try {
            n = backend.wait(handle, memory.address(), capacity, timeoutNanos);
        } finally {
            synchronized (lifecycle) {
                polling = false;
                closedMeanwhile = closed;
            }
            if (closedMeanwhile) {
                release();
            }
        }
        if (closedMeanwhile) {
            return 0;
        }
        polls++;
        if (n < 0) {
            throw Errors.newIOException(backend.name() + "_wait", n);
        }
        int count = 0;
        ByteBuffer ev = events;
        for (int i = 0; i < n; i++) {
            long token = ev.getLong(i * EVENT_SIZE);
            int ready = ev.getInt(i * EVENT_SIZE + 8);
            int fd = (int) token;
            int serial = (int) (token >>> 32);
            int slot = slotOf(fd);
            if (slot < 0 || serials[slot] != serial) {
                staleEvents++;
                continue;
            }
            readyFds[count] = fd;
            readyBits[count] = ready;
            readySerials[count] = serial;
            count++;
        }
        readyCount = count;
        readyModifications = modifications;
        return count;
    }

    /** The number of ready descriptors the last poll returned. */
    public int readyCount() {
        return readyCount;
    }

    /** The i-th ready descriptor of the last poll, {@code 0 <= i < readyCount()}. */
    public int readyFd(int i) {
        checkReadyIndex(i);
        return readyFds[i];
    }

    /**
     * What the i-th ready descriptor of the last poll is ready for ({@link #READABLE}, {@link #WRITABLE},
     * {@link #READ_CLOSED}, {@link #ERROR}); 0 if its entry was removed or replaced since that poll.
     */
    public int readyEvents(int i) {
        checkReadyIndex(i);
        return stillCurrent(i) ? readyBits[i] : 0;
    }

    /**
     * Calls {@code action} for each ready descriptor of the last poll, in the order the poller gave them,
     * skipping those whose entry was removed or replaced since (also by {@code action} itself).
     */
    public void forEachReady(ReadyConsumer action) {
        for (int i = 0; i < readyCount; i++) {
            if (stillCurrent(i)) {
                action.accept(readyFds[i], readyBits[i]);
            }
        }
    }

    /** Whether the i-th ready entry is still in the set, as it was at the poll (looked up only after changes). */
    private boolean stillCurrent(int i) {
        if (modifications == readyModifications) {
            return true;
        }
        int slot = slotOf(readyFds[i]);
        return slot >= 0 && serials[slot] == readySerials[i];
    }

    /** Makes the poll in progress return, or the next one if none is; callable from any thread. */
    public void wakeup() {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            int rc = backend.wake(handle);
            if (rc < 0) {
                throw new UncheckedIOException(Errors.newIOException(backend.name() + "_wake", rc));
            }
        }
    }

    /**
     * Closes the poller (not the descriptors in its set). Callable from any thread: a poll in progress
     * returns 0, and the poller is freed when it has. Later calls do nothing.
     */
    @Override
    public void close() {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
            if (polling) {
                backend.wake(handle);
                return;
            }
        }
        release();
    }

    public boolean isOpen() {
        synchronized (lifecycle) {
            return !closed;
        }
    }

    private void release() {
        synchronized (lifecycle) {
            if (released) {
                return;
            }
            released = true;
        }
        backend.close(handle);
        memory.free();
        readyCount = 0;
    }

    /** Polls made. */
    public long pollCount() {
        return polls;
    }

    /** Events dropped because their entry had been removed or replaced. */
    public long staleEventCount() {
        return staleEvents;
    }

    /** Calls made to change the kernel's interest set. */
    public long ctlCount() {
        return ctlCalls;
    }

    /** {@code READ|ONESHOT}, {@code NONE} for 0. */
    public static String flagsToString(int flags) {
        return Readiness.names(flags, FLAG_NAMES);
    }

    /** {@code READABLE|READ_CLOSED}, {@code NONE} for 0. */
    public static String readyToString(int ready) {
        return Readiness.names(ready, READY_NAMES);
    }

    /**
     * The backend, the counters and the whole interest set by descriptor, each entry's flags with
     * their names here and in the backend's own vocabulary, e.g. {@code fd 7: READ|READ_CLOSED
     * (EPOLLIN|EPOLLRDHUP)}.
     */
    @Override
    public String toString() {
        int[] fds = new int[size];
        int n = 0;
        for (int key : keys) {
            if (key != EMPTY) {
                fds[n++] = key;
            }
        }
        Arrays.sort(fds);
        StringBuilder sb = new StringBuilder("Poller{backend=").append(backend.name())
                .append(", capacity=").append(capacity).append(", entries=").append(size)
                .append(", polls=").append(polls).append(", ctls=").append(ctlCalls)
                .append(", staleEvents=").append(staleEvents).append(isOpen() ? "" : ", closed").append('}');
        for (int fd : fds) {
            int f = find(fd);
            sb.append("\n  fd ").append(fd).append(": ").append(flagsToString(f))
              .append(" (").append(backend.nativeInterestNames(f)).append(')');
        }
        return sb.toString();
    }

    private void checkFlags(int fd, int flags) {
        if (fd < 0) {
            throw new IllegalArgumentException("set(..) failed: negative descriptor " + fd);
        }
        if ((flags & ~FLAG_MASK) != 0) {
            throw new IllegalArgumentException("set(..) failed: unknown flag bits 0x"
                    + Integer.toHexString(flags & ~FLAG_MASK));
        }
        if ((flags & INTEREST_MASK) == 0) {
            throw new IllegalArgumentException("set(..) failed: " + flagsToString(flags)
                    + " has no interest (READ, WRITE, READ_CLOSED or PRIORITY); remove(fd) stops watching");
        }
        if ((flags & EDGE_TRIGGERED) != 0) {
            throw new UnsupportedOperationException("set(..) failed: EDGE_TRIGGERED is not supported by "
                    + backend.name() + " here: the poller is level-triggered");
        }
        if ((flags & ONESHOT) != 0 && !supportsOneShot()) {
            throw new UnsupportedOperationException("set(..) failed: ONESHOT is not supported by " + backend.name());
        }
        if ((flags & PRIORITY) != 0 && !supportsPriority()) {
            throw new UnsupportedOperationException("set(..) failed: PRIORITY is not supported by " + backend.name());
        }
    }

    private void ensureOpen() {
        synchronized (lifecycle) {
            if (closed) {
                throw new ClosedSelectorException();
            }
        }
    }

    private void checkReadyIndex(int i) {
        if (i < 0 || i >= readyCount) {
            throw new IndexOutOfBoundsException("ready index " + i + " (ready: " + readyCount + ")");
        }
    }

    private int ctl(int op, int fd, int flags, int serial) {
        synchronized (lifecycle) { // a close() from another thread must not free the poller under the call
            if (closed) {
                throw new ClosedSelectorException();
            }
            ctlCalls++;
            return backend.ctl(handle, op, fd, flags, ((long) serial << 32) | (fd & 0xffffffffL));
        }
    }

    private int newSerial() {
        return ++nextSerial;
    }

    // ---- the mirror's table ----

    private void allocateTable(int length) {
        keys = new int[length];
        Arrays.fill(keys, EMPTY);
        flags = new int[length];
        serials = new int[length];
    }

    private int home(int fd) {
        int h = fd * 0x9E3779B9;
        return (h ^ h >>> 16) & (keys.length - 1);
    }

    private int slotOf(int fd) {
        int[] k = keys;
        int mask = k.length - 1;
        for (int i = home(fd); ; i = (i + 1) & mask) {
            int key = k[i];
            if (key == fd) {
                return i;
            }
            if (key == EMPTY) {
                return -1;
            }
        }
    }

    private void insert(int fd, int f, int serial) {
        if ((size + 1) * 2 > keys.length) {
            int[] oldKeys = keys;
            int[] oldFlags = flags;
            int[] oldSerials = serials;
            allocateTable(oldKeys.length << 1);
            for (int i = 0; i < oldKeys.length; i++) {
                if (oldKeys[i] != EMPTY) {
                    place(oldKeys[i], oldFlags[i], oldSerials[i]);
                }
            }
        }
        place(fd, f, serial);
        size++;
        modifications++;
    }

    private void place(int fd, int f, int serial) {
        int mask = keys.length - 1;
        int i = home(fd);
        while (keys[i] != EMPTY) {
            i = (i + 1) & mask;
        }
        keys[i] = fd;
        flags[i] = f;
        serials[i] = serial;
    }

    /** Deletes by shifting later entries of the same probe run back, so lookups need no tombstones. */
    private void removeSlot(int slot) {
        int mask = keys.length - 1;
        int hole = slot;
        for (int i = (slot + 1) & mask; keys[i] != EMPTY; i = (i + 1) & mask) {
            int h = home(keys[i]);
            // Move the entry if its home is not within (hole, i], cyclically.
            if (((i - h) & mask) >= ((i - hole) & mask)) {
                keys[hole] = keys[i];
                flags[hole] = flags[i];
                serials[hole] = serials[i];
                hole = i;
            }
        }
        keys[hole] = EMPTY;
        flags[hole] = 0;
        serials[hole] = 0;
        size--;
        modifications++;
    }

    /** Receives an entry of the interest set. */
    @FunctionalInterface
    public interface EntryConsumer {
        void accept(int fd, int flags);
    }

    /** Receives a ready descriptor and what it is ready for. */
    @FunctionalInterface
    public interface ReadyConsumer {
        void accept(int fd, int ready);
    }
}
