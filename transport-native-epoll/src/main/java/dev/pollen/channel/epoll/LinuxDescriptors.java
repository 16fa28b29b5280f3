package dev.pollen.channel.epoll;

import dev.pollen.channel.NativeIoException;
import dev.pollen.channel.core.Errors;
import dev.pollen.channel.core.Timeouts;
import dev.pollen.channel.core.UnixSockets;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Linux descriptors that are not sockets, for watching with {@link dev.pollen.channel.DescriptorHandle}
 * on a Pollen loop, a {@link dev.pollen.poller.Poller} or {@link LinuxEpoll}: inotify (files and
 * directories), pidfd (a process's exit), eventfd (a counter other threads bump) and timerfd (a
 * monotonic timer). Each is created non-blocking and close-on-exec; the caller owns it and closes it
 * with {@link #close(int)} once no poller watches it. Errors name the call: {@code pidfd_open(..) failed:
 * No such process}.
 */
public final class LinuxDescriptors {
    // inotify(7) event masks: Linux's values, compared with the C headers' by a test.
    public static final int IN_ACCESS = 0x1;
    public static final int IN_MODIFY = 0x2;
    public static final int IN_ATTRIB = 0x4;
    public static final int IN_CLOSE_WRITE = 0x8;
    public static final int IN_CLOSE_NOWRITE = 0x10;
    public static final int IN_OPEN = 0x20;
    public static final int IN_MOVED_FROM = 0x40;
    public static final int IN_MOVED_TO = 0x80;
    public static final int IN_CREATE = 0x100;
    public static final int IN_DELETE = 0x200;
    public static final int IN_DELETE_SELF = 0x400;
    public static final int IN_MOVE_SELF = 0x800;
    public static final int IN_UNMOUNT = 0x2000;
    public static final int IN_Q_OVERFLOW = 0x4000;
    public static final int IN_IGNORED = 0x8000;
    public static final int IN_ONLYDIR = 0x1000000;
    public static final int IN_DONT_FOLLOW = 0x2000000;
    public static final int IN_EXCL_UNLINK = 0x4000000;
    public static final int IN_MASK_ADD = 0x20000000;
    public static final int IN_ISDIR = 0x40000000;
    public static final int IN_ONESHOT = 0x80000000;

    /** The IN_* constants in the order of the C table, after LinuxEpoll's. */
    static final int[] JAVA_CONSTANTS = {IN_ACCESS, IN_MODIFY, IN_ATTRIB, IN_CLOSE_WRITE, IN_CLOSE_NOWRITE, IN_OPEN,
        IN_MOVED_FROM, IN_MOVED_TO, IN_CREATE, IN_DELETE, IN_DELETE_SELF, IN_MOVE_SELF, IN_UNMOUNT, IN_Q_OVERFLOW,
        IN_IGNORED, IN_ONLYDIR, IN_DONT_FOLLOW, IN_EXCL_UNLINK, IN_MASK_ADD, IN_ISDIR, IN_ONESHOT};

    /** struct inotify_event: wd, mask, cookie, len, then len bytes of NUL-padded name. */
    private static final int INOTIFY_HEADER = 16;
    private static final Charset PATH_CHARSET = UnixSockets.pathCharset();

    private LinuxDescriptors() {
    }

    private static int check(String call, int rc) throws IOException {
        if (rc < 0) {
            throw Errors.newIOException(call, rc);
        }
        return rc;
    }

    /** A new inotify instance ({@code inotify_init1}); readable when events are queued. */
    public static int inotifyInit() throws IOException {
        Epoll.ensureAvailability();
        return check("inotify_init1", LinuxNative.inotifyInit());
    }

    /** Watches {@code path} for the IN_* events of {@code mask}; returns the watch descriptor. */
    public static int inotifyAddWatch(int inotifyFd, Path path, int mask) throws IOException {
        return check("inotify_add_watch", LinuxNative.inotifyAddWatch(inotifyFd,
                path.toString().getBytes(PATH_CHARSET), mask));
    }

    public static void inotifyRemoveWatch(int inotifyFd, int wd) throws IOException {
        check("inotify_rm_watch", LinuxNative.inotifyRmWatch(inotifyFd, wd));
    }

    /**
     * Reads the queued inotify events into {@code buffer} (direct, at least 4096 bytes is plenty) and calls
     * {@code consumer} for each; returns how many, 0 when none was queued.
     */
    public static int readInotifyEvents(int inotifyFd, ByteBuffer buffer, InotifyConsumer consumer) throws IOException {
        buffer.clear();
        int n;
        try {
            n = UnixSockets.read(inotifyFd, buffer);
        } catch (NativeIoException e) {
            if (Errors.isWouldBlock(-e.errno())) {
                return 0; // nothing queued
            }
            throw e;
        }
        ByteBuffer b = buffer.flip().order(ByteOrder.nativeOrder());
        int count = 0;
        while (b.remaining() >= INOTIFY_HEADER) {
            int wd = b.getInt();
            int mask = b.getInt();
            int cookie = b.getInt();
            int len = b.getInt();
            String name = "";
            if (len > 0) {
                byte[] raw = new byte[len];
                b.get(raw);
                int end = 0;
                while (end < len && raw[end] != 0) {
                    end++;
                }
                name = new String(raw, 0, end, PATH_CHARSET);
            }
            consumer.accept(wd, mask, cookie, name);
            count++;
        }
        return count;
    }

    /** A pidfd for a running process ({@code pidfd_open}, Linux 5.3+); readable once the process has exited. */
    public static int pidfdOpen(long pid) throws IOException {
        Epoll.ensureAvailability();
        if (pid <= 0 || pid > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("pidfd_open(..) failed: pid " + pid + " is not a process id");
        }
        return check("pidfd_open", LinuxNative.pidfdOpen((int) pid));
    }

    /** A new eventfd holding {@code initial}; readable while the counter is not 0. */
    public static int eventfd(int initial, boolean semaphore) throws IOException {
        Epoll.ensureAvailability();
        if (initial < 0) {
            throw new IllegalArgumentException("eventfd(..) failed: negative initial value " + initial);
        }
        return check("eventfd", LinuxNative.eventfd(initial, semaphore));
    }

    /** Adds {@code value} (1 to 2^63 - 1) to an eventfd's counter; callable from any thread. */
    public static void eventfdWrite(int fd, long value) throws IOException {
        if (value <= 0) {
            throw new IllegalArgumentException("eventfd write(..) failed: value " + value + " is not positive");
        }
        check("write", LinuxNative.writeCounter(fd, value));
    }

    /** Takes the counter (1 in semaphore mode) and resets it; 0 if it was 0. */
    public static long eventfdRead(int fd) throws IOException {
        return readCounter(fd);
    }

    /** A new timerfd on the monotonic clock, disarmed. */
    public static int timerfdCreate() throws IOException {
        Epoll.ensureAvailability();
        return check("timerfd_create", LinuxNative.timerfdCreate());
    }

    /**
     * Arms a timerfd: first expiry after {@code initial} (zero disarms it), then every {@code interval} (zero:
     * once).
     */
    public static void timerfdSet(int fd, Duration initial, Duration interval) throws IOException {
        check("timerfd_settime", LinuxNative.timerfdSetTime(fd, Timeouts.toNanos("timerfd_settime", initial),
                Timeouts.toNanos("timerfd_settime", interval)));
    }

    /** The number of expiries since the last read, 0 if none. */
    public static long timerfdRead(int fd) throws IOException {
        return readCounter(fd);
    }

    private static long readCounter(int fd) throws IOException {
        long[] out = new long[1];
        int rc = LinuxNative.readCounter(fd, out);
        if (Errors.isWouldBlock(rc)) {
            return 0;
        }
        check("read", rc);
        return out[0];
    }

    /** close(2). */
    public static void close(int fd) throws IOException {
        UnixSockets.close(fd);
    }

    /** Receives one inotify event. */
    @FunctionalInterface
    public interface InotifyConsumer {
        /** @param name the file's name within a watched directory, empty for the watched path itself */
        void accept(int wd, int mask, int cookie, String name);
    }
}
