package dev.pollen.channel.kqueue;

import dev.pollen.channel.core.Errors;
import dev.pollen.channel.core.NativeMemory;
import dev.pollen.channel.core.Readiness;
import dev.pollen.channel.core.Timeouts;
import dev.pollen.channel.core.UnixSockets;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.time.Duration;

/**
 * kqueue(2) as macOS and the BSDs offer it: changes are queued with {@link #change} and handed to the
 * kernel with the next {@code kevent} call, which also waits and fills the event list, as
 * {@code kevent(kq, changelist, nchanges, eventlist, nevents, timeout)} does. Every filter the OS has
 * can be used: {@link #EVFILT_READ}, {@link #EVFILT_WRITE}, {@link #EVFILT_USER}, {@link #EVFILT_TIMER},
 * {@link #EVFILT_VNODE} (a file's changes, {@code NOTE_DELETE ... NOTE_REVOKE}), {@link #EVFILT_PROC}
 * (a process's {@code NOTE_EXIT}, {@code NOTE_FORK}, {@code NOTE_EXEC}, {@code NOTE_TRACK}) and
 * {@link #EVFILT_SIGNAL}. A change the kernel refuses comes back as an event with {@link #EV_ERROR} and
 * the errno in its data ({@link #errorMessage(long)}), while the event list has room.
 *
 * <p>The constants are this OS's values, read from the native library ({@code EVFILT_USER} is -11 on
 * FreeBSD, -10 on macOS; a flag the OS lacks reads 0); FreeBSD's where the library does not load. On
 * Linux the library is a test build over an emulation that has the read, write, user, timer, vnode
 * (inotify) and process ({@code NOTE_EXIT} only, pidfd) filters and refuses the others.
 *
 * <p>The kqueue descriptor is readable while events are pending, so a kqueue can itself be watched by a
 * {@link dev.pollen.channel.DescriptorHandle} on any Pollen loop. Not thread-safe.
 */
public final class BsdKQueue implements AutoCloseable {
    private static final int[] C = constants();

    public static final int EVFILT_READ = C[0];
    public static final int EVFILT_WRITE = C[1];
    public static final int EVFILT_VNODE = C[2];
    public static final int EVFILT_PROC = C[3];
    public static final int EVFILT_SIGNAL = C[4];
    public static final int EVFILT_TIMER = C[5];
    public static final int EVFILT_USER = C[6];

    public static final int EV_ADD = C[7];
    public static final int EV_DELETE = C[8];
    public static final int EV_ENABLE = C[9];
    public static final int EV_DISABLE = C[10];
    public static final int EV_ONESHOT = C[11];
    public static final int EV_CLEAR = C[12];
    public static final int EV_RECEIPT = C[13];
    public static final int EV_DISPATCH = C[14];
    public static final int EV_EOF = C[15];
    public static final int EV_ERROR = C[16];

    public static final int NOTE_TRIGGER = C[17];
    public static final int NOTE_FFNOP = C[18];
    public static final int NOTE_FFAND = C[19];
    public static final int NOTE_FFOR = C[20];
    public static final int NOTE_FFCOPY = C[21];
    public static final int NOTE_FFCTRLMASK = C[22];
    public static final int NOTE_FFLAGSMASK = C[23];

    public static final int NOTE_DELETE = C[24];
    public static final int NOTE_WRITE = C[25];
    public static final int NOTE_EXTEND = C[26];
    public static final int NOTE_ATTRIB = C[27];
    public static final int NOTE_LINK = C[28];
    public static final int NOTE_RENAME = C[29];
    public static final int NOTE_REVOKE = C[30];

    public static final int NOTE_EXIT = C[31];
    public static final int NOTE_FORK = C[32];
    public static final int NOTE_EXEC = C[33];
    public static final int NOTE_TRACK = C[34];

    /** EVFILT_TIMER units of {@code data}; milliseconds when none is given. */
    public static final int NOTE_SECONDS = C[35];
    public static final int NOTE_MSECONDS = C[36];
    public static final int NOTE_USECONDS = C[37];
    public static final int NOTE_NSECONDS = C[38];

    /** FreeBSD's values, in the order of the native table. */
    static final int[] FREEBSD = {-1, -2, -4, -5, -6, -7, -11,
        0x1, 0x2, 0x4, 0x8, 0x10, 0x20, 0x40, 0x80, 0x8000, 0x4000,
        0x01000000, 0, 0x40000000, 0x80000000, 0xc0000000, 0xc0000000, 0x00ffffff,
        0x1, 0x2, 0x4, 0x8, 0x10, 0x20, 0x40,
        0x80000000, 0x40000000, 0x20000000, 0x1,
        0x1, 0x2, 0x4, 0x8};

    private static final int RECORD = 32;
    private static final String[] FLAG_NAMES = new String[16];

    static {
        String[] names = {"EV_ADD", "EV_DELETE", "EV_ENABLE", "EV_DISABLE", "EV_ONESHOT", "EV_CLEAR", "EV_RECEIPT",
            "EV_DISPATCH", "EV_EOF", "EV_ERROR"};
        int[] values = {EV_ADD, EV_DELETE, EV_ENABLE, EV_DISABLE, EV_ONESHOT, EV_CLEAR, EV_RECEIPT, EV_DISPATCH,
            EV_EOF, EV_ERROR};
        for (int i = 0; i < names.length; i++) {
            FLAG_NAMES[Integer.numberOfTrailingZeros(values[i])] = names[i];
        }
        for (int i = 0; i < FLAG_NAMES.length; i++) {
            if (FLAG_NAMES[i] == null) {
                FLAG_NAMES[i] = "0x" + Integer.toHexString(1 << i);
            }
        }
    }

    private final int kq;
    private final int maxEvents;
    private NativeMemory changes;
    private int pending;
    private final NativeMemory events;
    private int ready;
    private boolean closed;

    private BsdKQueue(int kq, int maxEvents) {
        this.kq = kq;
        this.maxEvents = maxEvents;
        this.changes = NativeMemory.allocate(16 * RECORD);
        this.events = NativeMemory.allocate(maxEvents * RECORD);
    }

    private static int[] constants() {
        return KQueue.isAvailable() ? BsdNative.keventConstants() : FREEBSD.clone();
    }

    /** The values the library reports (for the test that compares them with the emulation's headers). */
    static int[] nativeConstants() {
        return BsdNative.keventConstants();
    }

    /**
     * A new kqueue (close-on-exec) whose waits return at most {@code maxEvents} events.
     *
     * @throws IllegalArgumentException unless 1 <= maxEvents <= 2^20
     * @throws UnsatisfiedLinkError if the kqueue transport cannot load here
     */
    public static BsdKQueue create(int maxEvents) throws IOException {
        KQueue.ensureAvailability();
        if (maxEvents < 1 || maxEvents > 1 << 20) {
            throw new IllegalArgumentException("create(..) failed: maxEvents " + maxEvents + " (expected: 1-1048576)");
        }
        int fd = BsdNative.kqueue();
        if (fd < 0) {
            throw Errors.newIOException("kqueue", fd);
        }
        return new BsdKQueue(fd, maxEvents);
    }

    /** The kqueue's descriptor: readable while events are pending. */
    public int fd() {
        return kq;
    }

    /** Queues one change ({@code EV_SET(ident, filter, flags, fflags, data, udata)}) for the next kevent call. */
    public void change(long ident, int filter, int flags, int fflags, long data, long udata) {
        ensureOpen();
        if ((short) filter != filter || (flags & ~0xffff) != 0) {
            throw new IllegalArgumentException("change(..) failed: filter " + filter + " or flags 0x"
                    + Integer.toHexString(flags) + " out of range");
        }
        if ((pending + 1) * RECORD > changes.capacity()) {
            NativeMemory bigger = NativeMemory.allocate(changes.capacity() * 2);
            bigger.buffer().put(changes.buffer().duplicate().position(0).limit(pending * RECORD));
            changes.free();
            changes = bigger;
        }
        ByteBuffer b = changes.buffer();
        int off = pending * RECORD;
        b.putLong(off, ident);
        b.putShort(off + 8, (short) filter);
        b.putShort(off + 10, (short) flags);
        b.putInt(off + 12, fflags);
        b.putLong(off + 16, data);
        b.putLong(off + 24, udata);
        pending++;
    }

    /** Changes queued for the next kevent call. */
    public int pendingChanges() {
        return pending;
    }

    /** Applies the queued changes and returns the pending events, without waiting. */
    public int keventNow() throws IOException {
        return kevent0(0);
    }

    /** Applies the queued changes and waits until an event. */
    public int keventIndefinitely() throws IOException {
        return kevent0(-1);
    }

    /** Applies the queued changes and waits at most {@code timeout} (nanosecond precision). */
    public int kevent(Duration timeout) throws IOException {
        return kevent0(Timeouts.toNanos("kevent", timeout));
    }

    private int kevent0(long timeoutNanos) throws IOException {
        ensureOpen();
        ready = 0;
        int n = BsdNative.kevent(kq, changes.address(), pending, events.address(), maxEvents, timeoutNanos);
        pending = 0; // submitted: applied, or reported (as EV_ERROR events or the call's failure)
        if (n < 0) {
            throw Errors.newIOException("kevent", n);
        }
        ready = n;
        return n;
    }

    /** The number of events the last kevent call returned. */
    public int readyCount() {
        return ready;
    }

    public long ident(int i) {
        return events.buffer().getLong(at(i));
    }

    public int filter(int i) {
        return events.buffer().getShort(at(i) + 8);
    }

    public int flags(int i) {
        return events.buffer().getShort(at(i) + 10) & 0xffff;
    }

    public int fflags(int i) {
        return events.buffer().getInt(at(i) + 12);
    }

    public long data(int i) {
        return events.buffer().getLong(at(i) + 16);
    }

    public long udata(int i) {
        return events.buffer().getLong(at(i) + 24);
    }

    /** The i-th event as {@code kevent{ident=.., filter=EVFILT_TIMER, flags=EV_ADD|EV_CLEAR, ...}}. */
    public String eventToString(int i) {
        return "kevent{ident=" + ident(i) + ", filter=" + filterName(filter(i)) + ", flags="
                + flagsToString(flags(i)) + ", fflags=0x" + Integer.toHexString(fflags(i)) + ", data=" + data(i)
                + ", udata=" + udata(i) + '}';
    }

    /** {@code EVFILT_READ} ... {@code EVFILT_USER}, or the number. */
    public static String filterName(int filter) {
        String[] names = {"EVFILT_READ", "EVFILT_WRITE", "EVFILT_VNODE", "EVFILT_PROC", "EVFILT_SIGNAL", "EVFILT_TIMER",
            "EVFILT_USER"};
        for (int i = 0; i < names.length; i++) {
            if (C[i] == filter) {
                return names[i];
            }
        }
        return Integer.toString(filter);
    }

    /** {@code EV_ADD|EV_CLEAR}, {@code NONE} for 0. */
    public static String flagsToString(int flags) {
        return Readiness.names(flags, FLAG_NAMES);
    }

    /** The message of the errno an {@link #EV_ERROR} event carries in its data. */
    public static String errorMessage(long data) {
        return Errors.message((int) data);
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        ready = 0;
        pending = 0;
        changes.free();
        events.free();
        UnixSockets.close(kq);
    }

    @Override
    public String toString() {
        return "BsdKQueue{fd=" + kq + ", maxEvents=" + maxEvents + ", pendingChanges=" + pending
                + (closed ? ", closed" : "") + '}';
    }

    private void ensureOpen() {
        if (closed) {
            throw new ClosedSelectorException();
        }
    }

    private int at(int i) {
        if (i < 0 || i >= ready) {
            throw new IndexOutOfBoundsException("event index " + i + " (ready: " + ready + ")");
        }
        return i * RECORD;
    }
}
