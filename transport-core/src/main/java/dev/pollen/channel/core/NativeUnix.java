package dev.pollen.channel.core;

/**
 * Unix domain socket natives (pollen_unix.h). Every call returns a non-negative result or a
 * negative errno. Addresses are raw sun_path bytes: a leading NUL marks a Linux abstract name.
 */
final class NativeUnix {
    static final int STREAM = 1;
    static final int DGRAM = 2;
    /** Added to {@link #recvFds}' result when the peer sent descriptors that were closed, not delivered. */
    static final int FDS_LOST = 0x10000;

    private NativeUnix() {
    }

    static native int pathMax();

    static native int newSocket(int type);

    static native int socketPair(int type, int[] fds);

    static native int bind(int fd, byte[] address);

    static native int connect(int fd, byte[] address);

    /** Writes the address into {@code address}; returns its length (0: unnamed). */
    static native int localAddress(int fd, byte[] address);

    static native int remoteAddress(int fd, byte[] address);

    /** {@code out} receives pid, uid, then group ids; returns the number of group ids. */
    static native int peerCredentials(int fd, int[] out);

    /** 1 when sent. */
    static native int sendFd(int fd, int fdToSend);

    /**
     * 0 at end of stream; otherwise 1 + the number of descriptors written to {@code fds}, plus
     * {@link #FDS_LOST} when the message carried more than fit (those are closed).
     */
    static native int recvFds(int fd, int[] fds);

    /** {@code address} null: the connected peer. */
    static native int sendTo(int fd, long buf, int len, byte[] address);

    /** The datagram's size; the sender's address goes to {@code address}, its length to {@code addressLen[0]}. */
    static native int recvFrom(int fd, long buf, int len, byte[] address, int[] addressLen);

    static native int pipe(int[] fds);

    static native int read(int fd, long buf, int len);

    static native int write(int fd, long buf, int len);

    static native int close(int fd);
}
