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
}
