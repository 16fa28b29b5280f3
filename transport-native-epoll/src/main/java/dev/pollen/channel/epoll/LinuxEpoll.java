package dev.pollen.channel.epoll;

import dev.pollen.channel.core.Errors;
import dev.pollen.channel.core.NativeMemory;
import dev.pollen.channel.core.Readiness;
import dev.pollen.channel.core.Timeouts;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.time.Duration;

/**
 * epoll(7) as the kernel offers it, every flag included: {@code epoll_create1}, {@code epoll_ctl} with
 * the caller's 64-bit data, {@code epoll_wait} into a buffer allocated once. Where
 * {@link dev.pollen.poller.Poller} gives the portable, level-triggered subset with an interest-set
 * mirror, this is the raw call: edge-triggered ({@link #EPOLLET}), {@link #EPOLLONESHOT},
 * {@link #EPOLLEXCLUSIVE}, {@link #EPOLLWAKEUP}, {@link #EPOLLPRI} and the rest, errors as the kernel
 * reports them ({@code epoll_ctl(..) failed: File exists}). No mirror, no stale-event filtering: the
 * data word is the caller's.
 *
 * <p>Not thread-safe, except that the kernel allows {@link #ctl} while another thread waits. Close it
 * from the thread that waits.
 */
public final class LinuxEpoll implements AutoCloseable {
    // Linux's values (the same on every architecture); a test compares them with the C headers'.
    public static final int EPOLLIN = 0x1;
    public static final int EPOLLPRI = 0x2;
    public static final int EPOLLOUT = 0x4;
    public static final int EPOLLERR = 0x8;
    public static final int EPOLLHUP = 0x10;
    public static final int EPOLLRDNORM = 0x40;
    public static final int EPOLLRDBAND = 0x80;
    public static final int EPOLLWRNORM = 0x100;
    public static final int EPOLLWRBAND = 0x200;
    public static final int EPOLLMSG = 0x400;
    public static final int EPOLLRDHUP = 0x2000;
    /** Only with {@link #EPOLL_CTL_ADD}: one waiter of several epoll instances is woken (Linux 4.5+). */
    public static final int EPOLLEXCLUSIVE = 1 << 28;
    /** Keeps the system awake while the event is handled; silently dropped without CAP_BLOCK_SUSPEND. */
    public static final int EPOLLWAKEUP = 1 << 29;
    public static final int EPOLLONESHOT = 1 << 30;
    public static final int EPOLLET = 1 << 31;

    public static final int EPOLL_CTL_ADD = 1;
    public static final int EPOLL_CTL_DEL = 2;
    public static final int EPOLL_CTL_MOD = 3;

    /** The constants above in the order of the C table (pollen_linux_fds.c). */
    static final int[] JAVA_CONSTANTS = {EPOLLIN, EPOLLPRI, EPOLLOUT, EPOLLERR, EPOLLHUP, EPOLLRDNORM, EPOLLRDBAND,
        EPOLLWRNORM, EPOLLWRBAND, EPOLLMSG, EPOLLRDHUP, EPOLLEXCLUSIVE, EPOLLWAKEUP, EPOLLONESHOT, EPOLLET,
        EPOLL_CTL_ADD, EPOLL_CTL_MOD, EPOLL_CTL_DEL};

    private static final int RECORD = 16;
    private static final String[] NAMES = new String[32];

    static {
        String[] names = {"EPOLLIN", "EPOLLPRI", "EPOLLOUT", "EPOLLERR", "EPOLLHUP", "EPOLLRDNORM", "EPOLLRDBAND",
            "EPOLLWRNORM", "EPOLLWRBAND", "EPOLLMSG", "EPOLLRDHUP", "EPOLLEXCLUSIVE", "EPOLLWAKEUP", "EPOLLONESHOT",
            "EPOLLET"};
        for (int i = 0; i < names.length; i++) {
            NAMES[Integer.numberOfTrailingZeros(JAVA_CONSTANTS[i])] = names[i];
        }
        for (int i = 0; i < NAMES.length; i++) {
            if (NAMES[i] == null) {
                NAMES[i] = "0x" + Integer.toHexString(1 << i);
            }
        }
    }

    private final int epfd;
    private final int maxEvents;
    private final NativeMemory memory;
    private final ByteBuffer records;
    private int ready;
    private boolean closed;

    private LinuxEpoll(int epfd, int maxEvents) {
        this.epfd = epfd;
        this.maxEvents = maxEvents;
        this.memory = NativeMemory.allocate(maxEvents * RECORD);
        this.records = memory.buffer();
    }

    /**
     * {@code epoll_create1(EPOLL_CLOEXEC)} with a buffer for {@code maxEvents} ready descriptors per wait.
     *
     * @throws IllegalArgumentException unless 1 <= maxEvents <= 2^20
     */
    public static LinuxEpoll create(int maxEvents) throws IOException {
        Epoll.ensureAvailability();
        if (maxEvents < 1 || maxEvents > 1 << 20) {
            throw new IllegalArgumentException("create(..) failed: maxEvents " + maxEvents + " (expected: 1-1048576)");
        }
        int fd = LinuxNative.epollCreate();
        if (fd < 0) {
            throw Errors.newIOException("epoll_create1", fd);
        }
        return new LinuxEpoll(fd, maxEvents);
    }

    /** The epoll descriptor itself; it can be watched by another poller or loop (it is readable when events wait). */
    public int fd() {
        return epfd;
    }

    /** {@code epoll_ctl(epfd, op, fd, {events, data})}; the kernel's refusal is thrown as it named it. */
    public void ctl(int op, int fd, int events, long data) throws IOException {
        ensureOpen();
        int rc = LinuxNative.epollCtl(epfd, op, fd, events, data);
        if (rc < 0) {
            throw Errors.newIOException("epoll_ctl", rc);
        }
    }

    public void add(int fd, int events, long data) throws IOException {
        ctl(EPOLL_CTL_ADD, fd, events, data);
    }

    public void modify(int fd, int events, long data) throws IOException {
        ctl(EPOLL_CTL_MOD, fd, events, data);
    }

    public void delete(int fd) throws IOException {
        ctl(EPOLL_CTL_DEL, fd, 0, 0);
    }

    /** {@code epoll_wait} without waiting. */
    public int waitNow() throws IOException {
        return wait0(0);
    }

    /** {@code epoll_wait} until an event (or a signal: 0). */
    public int waitIndefinitely() throws IOException {
        return wait0(-1);
    }

    /**
     * {@code epoll_wait} (epoll_pwait2 where the kernel has it) for at most the timeout, never less (a signal
     * makes it wait again for the time left): without epoll_pwait2 it is rounded up to the next millisecond.
     * Returns the number of ready descriptors (0 on timeout), read with {@link #readyData(int)} and
     * {@link #readyEvents(int)}.
     */
    public int wait(Duration timeout) throws IOException {
        return wait0(Timeouts.toNanos("wait", timeout));
    }

    private int wait0(long timeoutNanos) throws IOException {
        ensureOpen();
        ready = 0;
        int n = LinuxNative.epollWait(epfd, memory.address(), maxEvents, timeoutNanos);
        if (n < 0) {
            throw Errors.newIOException("epoll_wait", n);
        }
        ready = n;
        return n;
    }

    /** The number of ready descriptors of the last wait. */
    public int readyCount() {
        return ready;
    }

    /** The data word of the i-th ready descriptor, as given to {@code ctl}. */
    public long readyData(int i) {
        check(i);
        return records.getLong(i * RECORD);
    }

    /** The EPOLL* bits of the i-th ready descriptor. */
    public int readyEvents(int i) {
        check(i);
        return records.getInt(i * RECORD + 8);
    }

    /** {@code EPOLLIN|EPOLLRDHUP}, {@code NONE} for 0. */
    public static String eventsToString(int events) {
        return Readiness.names(events, NAMES);
    }

    /** Closes the epoll descriptor and frees the buffer; later calls do nothing. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        ready = 0;
        memory.free();
        int rc = LinuxNative.close(epfd);
        if (rc < 0) {
            throw Errors.newIOException("close", rc);
        }
    }

    @Override
    public String toString() {
        return "LinuxEpoll{fd=" + epfd + ", maxEvents=" + maxEvents + (closed ? ", closed" : "") + '}';
    }

    private void ensureOpen() {
        if (closed) {
            throw new ClosedSelectorException();
        }
    }

    private void check(int i) {
        if (i < 0 || i >= ready) {
            throw new IndexOutOfBoundsException("ready index " + i + " (ready: " + ready + ")");
        }
    }
}
