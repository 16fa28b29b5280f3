package dev.pollen.channel.core;

/**
 * The datagram natives (pollen_dgram.h). Every call returns a non-negative result or a negative
 * errno. Batched calls take a packet array and an iovec table in native memory
 * ({@link DatagramPacketArray}).
 */
final class NativeDatagram {
    // Capabilities (POLLEN_DGRAM_CAP_*).
    static final int CAP_GSO = 1;
    static final int CAP_GRO = 2;
    static final int CAP_MMSG = 3;

    // Options (enum pollen_dgram_option).
    static final int MULTICAST_LOOP = 1;
    static final int MULTICAST_TTL = 2;
    static final int MULTICAST_ALL = 3;
    static final int RECVORIGDSTADDR = 4;
    static final int FREEBIND = 5;
    static final int TRANSPARENT = 6;
    static final int UDP_GRO = 7;
    static final int UDP_SEGMENT = 8;

    private NativeDatagram() {
    }

    static native int newSocket(boolean ipv6);

    static native int disconnect(int fd);

    static native int takeError(int fd);

    static native int send(int fd, boolean ipv6, long packets, int count, long iov, int iovTotal);

    static native int recv(int fd, boolean ipv6, long packets, int count, long iov, int iovTotal);

    static native int membership(int fd, boolean ipv6, boolean join, byte[] group, int iface, byte[] source);

    static native int block(int fd, boolean ipv6, boolean block, byte[] group, int iface, byte[] source);

    static native int setMulticastIf(int fd, boolean ipv6, int iface, byte[] address);

    static native int getMulticastIf(int fd, boolean ipv6, byte[] address);

    static native int setOption(int fd, boolean ipv6, int option, int value);

    static native int getOption(int fd, boolean ipv6, int option, int[] value);

    static native int probe(int capability);

    /** Packet record size, batch limit, field offsets, then errno values (see pollen_dgram_jni.c). */
    static native int[] layout();

    /**
     * The system calls a failed send or receive names in its first record, comma-separated in code
     * order; code 0 (no call made) is the empty name.
     */
    static native String callNames();
}
