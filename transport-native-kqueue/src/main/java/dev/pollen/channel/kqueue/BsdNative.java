package dev.pollen.channel.kqueue;

/**
 * macOS / FreeBSD calls beyond the shared socket layer (pollen_bsd.h); natives registered by
 * libpollen_transport_native_kqueue. Each returns a negative errno on failure, and
 * -ENOPROTOOPT / -EOPNOTSUPP where the OS lacks the feature (always on Linux).
 */
final class BsdNative {
    private BsdNative() {
    }

    /** FreeBSD SO_ACCEPTFILTER; an empty name removes the filter. */
    static native int setAcceptFilter(int fd, String name, String arg);

    /** Fills out[0] (name) and out[1] (argument); 1 if a filter is installed, 0 if none. */
    static native int getAcceptFilter(int fd, String[] out);

    /** macOS LOCAL_PEERPID: the peer's process id, or a negative errno. */
    static native int peerPid(int fd);

    /** macOS connectx(2) with data sent on the SYN (TCP fast open); the bytes taken. */
    static native long connectx(int fd, boolean ipv6, byte[] address, long data, int len);

    /** Bit 0x1 client, 0x2 server TCP fast open (sysctl), or a negative errno. */
    static native int fastOpenMode();

    // BsdKQueue: kqueue(2) and kevent(2) over 32-byte records (pollen_kqueue_raw.h).

    static native int kqueue();

    static native int kevent(int kq, long changes, int nchanges, long events, int nevents, long timeoutNanos);

    /** The EVFILT_*, EV_* and NOTE_* values of this OS, in BsdKQueue's order. */
    static native int[] keventConstants();
}
