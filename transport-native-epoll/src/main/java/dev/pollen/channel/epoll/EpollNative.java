package dev.pollen.channel.epoll;

import dev.pollen.channel.core.PollerBackend;
import dev.pollen.channel.core.Readiness;

/** The epoll binding of the poller contract; natives registered by libpollen_transport_native_epoll. */
final class EpollNative implements PollerBackend {
    static final EpollNative INSTANCE = new EpollNative();

    private static final String[] FLAG_NAMES = {"EPOLLIN", "EPOLLOUT", "EPOLLRDHUP", "EPOLLONESHOT", "EPOLLPRI"};

    private EpollNative() {
    }

    static native long pollerCreate(int capacity);

    static native int pollerCtl(long poller, int op, int fd, int interest, long token);

    static native int pollerWait(long poller, long events, int max, long timeoutNanos);

    static native int pollerIoBatch(long poller, long ops, int count);

    static native int pollerWake(long poller);

    static native int pollerClose(long poller);

    static native int pollerCapabilities();

    @Override
    public String name() {
        return "epoll";
    }

    @Override
    public int capabilities() {
        int caps = pollerCapabilities();
        if (Epoll.ioUringMode().equals("false")) {
            caps &= ~(CAP_IO_BATCH | CAP_IO_BATCH_POLL);
        }
        return Epoll.ioUringWait() ? caps : caps & ~CAP_IO_BATCH_POLL;
    }

    @Override
    public long create(int capacity) {
        return pollerCreate(capacity);
    }

    @Override
    public int ctl(long poller, int op, int fd, int interest, long token) {
        return pollerCtl(poller, op, fd, interest, token);
    }

    @Override
    public int wait(long poller, long eventsAddress, int max, long timeoutNanos) {
        return pollerWait(poller, eventsAddress, max, timeoutNanos);
    }

    @Override
    public int ioBatch(long poller, long opsAddress, int count) {
        return pollerIoBatch(poller, opsAddress, count);
    }

    @Override
    public int wake(long poller) {
        return pollerWake(poller);
    }

    @Override
    public int close(long poller) {
        return pollerClose(poller);
    }

    @Override
    public String nativeInterestNames(int interest) {
        return Readiness.names(interest, FLAG_NAMES);
    }
}
