package dev.pollen.channel.wepoll;

import dev.pollen.channel.core.Errors;
import dev.pollen.channel.core.NativeMemory;
import dev.pollen.channel.core.PollerBackend;
import dev.pollen.channel.core.Readiness;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * wepoll's API on Pollen's AFD poller: {@code epoll_create1}, {@code epoll_ctl} on sockets with an
 * {@code epoll_event} (events and a 64-bit data word), {@code epoll_wait} with a millisecond timeout and
 * {@code epoll_close}, with the constants of {@code wepoll.h}. Like wepoll it is level-triggered and takes
 * sockets only (a SOCKET, e.g. from {@code dev.pollen.poller.Poller.descriptor(..)}).
 *
 * <p>Supported events: {@link #EPOLLIN}, {@link #EPOLLRDNORM}, {@link #EPOLLOUT}, {@link #EPOLLWRNORM},
 * {@link #EPOLLWRBAND}, {@link #EPOLLPRI}, {@link #EPOLLRDBAND} (urgent data, AFD's
 * {@code RECEIVE_EXPEDITED}), {@link #EPOLLRDHUP}, {@link #EPOLLONESHOT}, and {@link #EPOLLMSG}, which is
 * accepted and never reported, as in wepoll; {@link #EPOLLERR} and {@link #EPOLLHUP} are always reported.
 * Refused with {@code EINVAL}, never ignored: {@link #EPOLLET}, {@link #EPOLLEXCLUSIVE} and
 * {@link #EPOLLWAKEUP}, which wepoll does not support either. A wait reports only the bits asked for, plus
 * the error bits. Not thread-safe.
 *
 * <p>On Linux this runs on the wepoll transport's test build, over epoll.
 */
public final class WepollEpoll implements AutoCloseable {
    public static final int EPOLLIN = 1;
    public static final int EPOLLPRI = 1 << 1;
    public static final int EPOLLOUT = 1 << 2;
    public static final int EPOLLERR = 1 << 3;
    public static final int EPOLLHUP = 1 << 4;
    public static final int EPOLLRDNORM = 1 << 6;
    public static final int EPOLLRDBAND = 1 << 7;
    public static final int EPOLLWRNORM = 1 << 8;
    public static final int EPOLLWRBAND = 1 << 9;
    public static final int EPOLLMSG = 1 << 10;
    public static final int EPOLLRDHUP = 1 << 13;
    /** Linux's values, refused here as by wepoll. */
    public static final int EPOLLEXCLUSIVE = 1 << 28;
    public static final int EPOLLWAKEUP = 1 << 29;
    public static final int EPOLLONESHOT = 1 << 31;
    public static final int EPOLLET = 1 << 30;

    public static final int EPOLL_CTL_ADD = 1;
    public static final int EPOLL_CTL_MOD = 2;
    public static final int EPOLL_CTL_DEL = 3;

    private static final int SUPPORTED = EPOLLIN | EPOLLRDNORM | EPOLLOUT | EPOLLWRNORM | EPOLLWRBAND | EPOLLPRI
            | EPOLLRDBAND | EPOLLMSG | EPOLLRDHUP | EPOLLONESHOT | EPOLLERR | EPOLLHUP;
    private static final String[] NAMES = new String[32];
    private static final int RECORD = 16;

    static {
        String[] names = {"EPOLLIN", "EPOLLPRI", "EPOLLOUT", "EPOLLERR", "EPOLLHUP", null, "EPOLLRDNORM", "EPOLLRDBAND",
            "EPOLLWRNORM", "EPOLLWRBAND", "EPOLLMSG", null, null, "EPOLLRDHUP"};
        for (int i = 0; i < NAMES.length; i++) {
            NAMES[i] = i < names.length && names[i] != null ? names[i] : "0x" + Integer.toHexString(1 << i);
        }
        NAMES[28] = "EPOLLEXCLUSIVE";
        NAMES[29] = "EPOLLWAKEUP";
        NAMES[30] = "EPOLLET";
        NAMES[31] = "EPOLLONESHOT";
    }

    private final PollerBackend backend;
    private final long handle;
    private final int maxEvents;
    private final NativeMemory memory;
    /** Each socket's registration, by socket and by the token the poller carries for it. */
    private final Map<Integer, Entry> bySocket = new HashMap<>();
    /**
     * Registrations by slot: a token is (serial << 32 | slot), so a wait finds its entry without a map
     * lookup or boxing, and an event of a deleted or re-added registration fails the token comparison.
     */
    private Entry[] slots = new Entry[16];
    private int[] freeSlots = new int[16];
    private int freeCount;
    private int nextSlot;
    private int serial;
    private final long[] readyData;
    private final int[] readyEvents;
    private int ready;
    private boolean closed;

    private WepollEpoll(PollerBackend backend, long handle, int maxEvents) {
        this.backend = backend;
        this.handle = handle;
        this.maxEvents = maxEvents;
        this.memory = NativeMemory.allocate(maxEvents * RECORD);
        this.readyData = new long[maxEvents];
        this.readyEvents = new int[maxEvents];
    }

    /**
     * {@code epoll_create1(0)}, with room for {@code maxEvents} events per wait.
     *
     * @throws IllegalArgumentException for flags other than 0 (wepoll defines none) or a bad maxEvents
     */
    public static WepollEpoll create1(int flags, int maxEvents) throws IOException {
        Wepoll.ensureAvailability();
        if (flags != 0) {
            throw new IllegalArgumentException("epoll_create1(..) failed: flags 0x" + Integer.toHexString(flags)
                    + " (wepoll defines none)");
        }
        if (maxEvents < 1 || maxEvents > 1 << 20) {
            throw new IllegalArgumentException("epoll_create1(..) failed: maxEvents " + maxEvents
                    + " (expected: 1-1048576)");
        }
        long h = WepollNative.INSTANCE.create(maxEvents);
        if (h < 0) {
            throw Errors.newIOException("epoll_create1", (int) h);
        }
        return new WepollEpoll(WepollNative.INSTANCE, h, maxEvents);
    }

    /** {@code epoll_ctl(ephnd, op, sock, &{events, data})}; the data word comes back with the socket's events. */
    public void ctl(int op, int sock, int events, long data) throws IOException {
        ensureOpen();
        if (op != EPOLL_CTL_DEL && (events & ~SUPPORTED) != 0) {
            throw Errors.newIOException("epoll_ctl", -Errors.EINVAL);
        }
        int interest = 0;
        if ((events & (EPOLLIN | EPOLLRDNORM)) != 0) {
            interest |= Readiness.INTEREST_READ;
        }
        if ((events & (EPOLLOUT | EPOLLWRNORM | EPOLLWRBAND)) != 0) {
            interest |= Readiness.INTEREST_WRITE;
        }
        if ((events & (EPOLLPRI | EPOLLRDBAND)) != 0) {
            interest |= Readiness.INTEREST_PRIORITY;
        }
        if ((events & EPOLLRDHUP) != 0) {
            interest |= Readiness.INTEREST_READ_CLOSED;
        }
        if ((events & EPOLLONESHOT) != 0) {
            interest |= Readiness.INTEREST_ONESHOT;
        }
        int backendOp = op == EPOLL_CTL_ADD ? PollerBackend.CTL_ADD : op == EPOLL_CTL_MOD ? PollerBackend.CTL_MOD
                : op == EPOLL_CTL_DEL ? PollerBackend.CTL_DEL : -1;
        if (backendOp < 0) {
            throw Errors.newIOException("epoll_ctl", -Errors.EINVAL);
        }
        Entry entry = bySocket.get(sock);
        // The poller carries a token of ours, so that the data word can be anything and a deleted
        // registration's events still queued are recognised and dropped.
        boolean fresh = op != EPOLL_CTL_DEL && (op == EPOLL_CTL_ADD || entry == null);
        boolean reused = fresh && freeCount > 0;
        int slot = fresh ? (reused ? freeSlots[freeCount - 1] : nextSlot) : entry != null ? entry.slot : 0;
        long token = fresh ? ((long) (serial + 1) << 32) | slot : entry != null ? entry.token : 0;
        int rc = backend.ctl(handle, backendOp, sock, interest, token);
        if (rc < 0) {
            throw Errors.newIOException("epoll_ctl", rc);
        }
        if (fresh) { // an ADD that succeeded: the slot is taken
            serial++;
            if (reused) {
                freeCount--;
            } else {
                nextSlot++;
            }
        }
        if (entry != null) {
            bySocket.remove(sock);
            if (entry.slot != slot) {
                release(entry.slot);
            }
        }
        if (op != EPOLL_CTL_DEL) {
            Entry e = new Entry(slot, token, events | EPOLLERR | EPOLLHUP, data);
            if (slot == slots.length) {
                slots = Arrays.copyOf(slots, slots.length * 2);
            }
            slots[slot] = e;
            bySocket.put(sock, e);
        }
    }

    private void release(int slot) {
        slots[slot] = null;
        if (freeCount == freeSlots.length) {
            freeSlots = Arrays.copyOf(freeSlots, freeCount * 2);
        }
        freeSlots[freeCount++] = slot;
    }

    private static final class Entry {
        final int slot;
        final long token;
        final int events;
        final long data;

        Entry(int slot, long token, int events, long data) {
            this.slot = slot;
            this.token = token;
            this.events = events;
            this.data = data;
        }
    }

    /**
     * {@code epoll_wait(ephnd, events, maxevents, timeout)}: {@code timeoutMs} < 0 blocks, 0 polls. Returns the
     * number of events, read with {@link #readyData(int)} and {@link #readyEvents(int)}.
     */
    public int epollWait(int timeoutMs) throws IOException {
        ensureOpen();
        ready = 0;
        long nanos = timeoutMs < 0 ? -1 : timeoutMs * 1_000_000L;
        int n = backend.wait(handle, memory.address(), maxEvents, nanos);
        if (n < 0) {
            throw Errors.newIOException("epoll_wait", n);
        }
        ByteBuffer b = memory.buffer();
        int count = 0;
        for (int i = 0; i < n; i++) {
            long token = b.getLong(i * RECORD);
            int slot = (int) token;
            Entry entry = slot >= 0 && slot < slots.length ? slots[slot] : null;
            if (entry == null || entry.token != token) {
                continue; // deleted or re-added since the poller queued it
            }
            int bits = b.getInt(i * RECORD + 8);
            int events = 0;
            if ((bits & Readiness.READABLE) != 0) {
                events |= EPOLLIN | EPOLLRDNORM;
            }
            if ((bits & Readiness.WRITABLE) != 0) {
                events |= EPOLLOUT | EPOLLWRNORM | EPOLLWRBAND;
            }
            if ((bits & Readiness.PRIORITY) != 0) {
                events |= EPOLLPRI | EPOLLRDBAND;
            }
            if ((bits & Readiness.READ_CLOSED) != 0) {
                events |= EPOLLRDHUP;
            }
            if ((bits & Readiness.ERROR) != 0) {
                events |= EPOLLERR | ((bits & Readiness.READ_CLOSED) != 0 ? EPOLLHUP : 0);
            }
            readyData[count] = entry.data;
            readyEvents[count] = events & entry.events; // the bits asked for, and the error bits
            count++;
        }
        ready = count;
        return count;
    }

    /** The number of events of the last wait. */
    public int readyCount() {
        return ready;
    }

    /** The data word of the i-th event. */
    public long readyData(int i) {
        check(i);
        return readyData[i];
    }

    /** The EPOLL* bits of the i-th event: those asked for, and {@link #EPOLLERR} / {@link #EPOLLHUP}. */
    public int readyEvents(int i) {
        check(i);
        return readyEvents[i];
    }

    /** {@code EPOLLIN|EPOLLRDHUP}, {@code NONE} for 0. */
    public static String eventsToString(int events) {
        return Readiness.names(events, NAMES);
    }

    /** {@code epoll_close(ephnd)}; later calls do nothing. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        ready = 0;
        memory.free();
        int rc = backend.close(handle);
        if (rc < 0) {
            throw Errors.newIOException("epoll_close", rc);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new ClosedSelectorException();
        }
    }

    private void check(int i) {
        if (i < 0 || i >= ready) {
            throw new IndexOutOfBoundsException("event index " + i + " (ready: " + ready + ")");
        }
    }
}
