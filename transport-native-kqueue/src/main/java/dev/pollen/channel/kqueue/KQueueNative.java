package dev.pollen.channel.kqueue;

import dev.pollen.channel.core.PollerBackend;
import dev.pollen.channel.core.Readiness;

/** The kqueue binding of the poller contract; natives registered by libpollen_transport_native_kqueue. */
final class KQueueNative implements PollerBackend {
    static final KQueueNative INSTANCE = new KQueueNative();

    private static final String[] FLAG_NAMES = {"EVFILT_READ", "EVFILT_WRITE", "EV_EOF"};

    private KQueueNative() {
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
        return "kqueue";
    }

    @Override
    public int capabilities() {
        return pollerCapabilities();
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

    /**
     * READ is a level-triggered EVFILT_READ, WRITE an EVFILT_WRITE; READ_CLOSED is EV_EOF on the
     * read filter (with READ_CLOSED alone, EVFILT_READ is registered with EV_CLEAR and only its
     * EV_EOF is delivered).
     */
    @Override
    public String nativeInterestNames(int interest) {
        return Readiness.names(interest, FLAG_NAMES);
    }
}
