package dev.pollen.channel.epoll;

/** Linux-only natives of libpollen_transport_native_epoll (pollen_linux.h); negative errno on failure. */
final class LinuxNative {
    private LinuxNative() {
    }

    /** A non-blocking pipe: read end in the high 32 bits, write end in the low 32 bits. */
    static native long pipe();

    static native long splice(int fdIn, long offIn, int fdOut, long offOut, long length);

    static native int tcpInfo(int fd, long[] out);

    static native int close(int fd);

    /** 0 if this process may make an io_uring that sends, else the negative errno that stops it. */
    static native int ioUringProbe();

    /** After a failed {@link #ioUringProbe()}: 1 io_uring_setup refused, 2 the probe's io_uring_register, 3 an operation missing. */
    static native int ioUringProbeStep();

    // dev.pollen.poller.linux: raw epoll (16-byte records, data at 0, events at 8) and Linux descriptors.

    static native int epollCreate();

    static native int epollCtl(int epfd, int op, int fd, int events, long data);

    static native int epollWait(int epfd, long records, int max, long timeoutNanos);

    static native int inotifyInit();

    /** {@code path}: the file name's bytes, without a terminating NUL. */
    static native int inotifyAddWatch(int fd, byte[] path, int mask);

    static native int inotifyRmWatch(int fd, int wd);

    static native int pidfdOpen(int pid);

    static native int eventfd(int initial, boolean semaphore);

    static native int timerfdCreate();

    static native int timerfdSetTime(int fd, long initialNanos, long intervalNanos);

    /** Reads an eventfd or timerfd counter into {@code out[0]}. */
    static native int readCounter(int fd, long[] out);

    static native int writeCounter(int fd, long value);

    /** The C values of the EPOLL*, EPOLL_CTL_* and IN_* constants, in the order LinuxEpoll and LinuxDescriptors declare them. */
    static native int[] constants();
}
