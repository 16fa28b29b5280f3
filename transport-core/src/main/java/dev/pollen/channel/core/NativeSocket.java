package dev.pollen.channel.core;

/**
 * The socket layer's natives (pollen_socket.h). Every call returns a non-negative result or a
 * negative errno. Bound by whichever Pollen transport library loads first; transports call
 * {@link PollenSocket}, never this class directly.
 */
final class NativeSocket {
    private NativeSocket() {
    }

    static native boolean ipv6Supported();

    static native int newStream(boolean ipv6);

    static native int bind(int fd, boolean ipv6, byte[] address);

    static native int listen(int fd, int backlog);

    static native int connect(int fd, boolean ipv6, byte[] address);

    static native int finishConnect(int fd);

    static native int accept(int fd, byte[] address);

    static native int localAddress(int fd, byte[] address);

    static native int remoteAddress(int fd, byte[] address);

    static native int recv(int fd, long address, int length);

    static native int send(int fd, long address, int length);

    static native long writev(int fd, long iov, int count);

    static native int shutdown(int fd, boolean read, boolean write);

    static native int close(int fd);

    static native int setOption(int fd, int option, int value);

    static native int getOption(int fd, int option, int[] value);

    static native int iovMax();

    static native int setRawOption(int fd, int level, int name, byte[] value);

    static native int getRawOption(int fd, int level, int name, byte[] value);

    static native int setMd5Sig(int fd, boolean ipv6, byte[] address, byte[] key);

    static native long sendFile(int fd, io.netty.channel.DefaultFileRegion region, long base, long offset, long length);

    static native String strerror(int errno);

    static native int[] errnoConstants();

    /** The library's side of every constant Java writes down again, "NAME=value" per line (see {@link Contract}). */
    static native String contractConstants();

    /** Zeroed native memory of {@code size} bytes as a direct buffer, or null when out of memory. */
    static native java.nio.ByteBuffer allocateMemory(int size);

    /** Frees a buffer of {@link #allocateMemory}; only once, and never any other buffer. */
    static native void freeMemory(java.nio.ByteBuffer buffer);

    /** The address of a direct buffer's first byte (JNI GetDirectBufferAddress). */
    static native long bufferAddress(java.nio.ByteBuffer buffer);

    /** sizeof(void *) of the native library. */
    static native int addressSize();

    /** The descriptor in a JDK channel's {@code fdVal} field; -EINVAL without one, -EBADF once closed. */
    static native int descriptorOf(Object channel);
}
