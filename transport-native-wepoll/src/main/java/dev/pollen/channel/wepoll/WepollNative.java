package dev.pollen.channel.wepoll;

import dev.pollen.channel.core.PollerBackend;
import dev.pollen.channel.core.Readiness;

/** The wepoll binding of the poller contract; natives registered by pollen_transport_native_wepoll. */
final class WepollNative implements PollerBackend {
    static final WepollNative INSTANCE = new WepollNative();

    private static final String[] FLAG_NAMES = {"AFD_POLL_RECEIVE", "AFD_POLL_SEND", "AFD_POLL_DISCONNECT", "EPOLLONESHOT",
        "AFD_POLL_RECEIVE_EXPEDITED"};

    private WepollNative() {
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
        return "wepoll";
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
     * READ asks AFD for RECEIVE (and ACCEPT on listeners), WRITE for SEND, READ_CLOSED for
     * DISCONNECT; ABORT and CONNECT_FAIL are always watched and arrive as errors.
     */
    @Override
    public String nativeInterestNames(int interest) {
        return Readiness.names(interest, FLAG_NAMES);
    }
}
