package dev.pollen.channel.core;

import dev.pollen.channel.NativeIoException;
import io.netty.channel.ChannelException;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.channels.UnsupportedAddressTypeException;

/**
 * A non-blocking socket owned by one channel. All methods throw exceptions that name the failed
 * call; "would block" is reported as a return value, never as an exception. Once closed, every
 * call throws {@link ClosedChannelException} (the address queries return null): its descriptor
 * number may already name another socket. Negative lengths and counts are refused; the native
 * memory addresses given to {@link #recv}, {@link #send} and {@link #writev} are trusted, as this
 * is machinery for Pollen's transports, not API.
 */
public final class PollenSocket {
    /** Size of the address form shared with the native layer (pollen_socket.h). */
    static final int ADDR_SIZE = 24;

    // Portable option ids (enum pollen_option in pollen_socket.h).
    public static final int SO_KEEPALIVE = 1;
    public static final int SO_REUSEADDR = 2;
    public static final int SO_REUSEPORT = 3;
    public static final int SO_RCVBUF = 4;
    public static final int SO_SNDBUF = 5;
    public static final int SO_LINGER = 6;
    public static final int SO_BROADCAST = 7;
    public static final int TCP_NODELAY = 8;
    public static final int IP_TOS = 9;
    public static final int TCP_KEEPIDLE = 10;
    public static final int TCP_KEEPINTVL = 11;
    public static final int TCP_KEEPCNT = 12;
    public static final int TCP_USER_TIMEOUT = 13;
    public static final int IPV6_V6ONLY = 14;
    public static final int TCP_CORK = 15;
    public static final int TCP_QUICKACK = 16;
    public static final int TCP_NOTSENT_LOWAT = 17;
    public static final int TCP_DEFER_ACCEPT = 18;
    public static final int TCP_FASTOPEN = 19;
    public static final int TCP_FASTOPEN_CONNECT = 20;
    public static final int IP_BIND_ADDRESS_NO_PORT = 21;
    public static final int SO_BUSY_POLL = 22;
    public static final int IP_FREEBIND = 23;
    public static final int IP_TRANSPARENT = 24;
    /** macOS and FreeBSD only (ENOPROTOOPT elsewhere). */
    public static final int TCP_NOPUSH = 25;
    /** macOS and FreeBSD only (ENOPROTOOPT elsewhere: Linux cannot set it). */
    public static final int SO_SNDLOWAT = 26;
    /** Windows only (ENOPROTOOPT elsewhere). */
    public static final int SO_EXCLUSIVEADDRUSE = 27;

    private static volatile Boolean ipv6;

    /** Address families of a socket: IPv4 only, dual-stack IPv6, Unix domain. */
    public static final int FAMILY_INET = 4;
    public static final int FAMILY_INET6 = 6;
    public static final int FAMILY_UNIX = 1;

    private final int fd;
    private final int family;
    private final boolean ipv6Socket;
    private volatile boolean open = true;
    private volatile boolean inputShutdown;
    private volatile boolean outputShutdown;

    PollenSocket(int fd, int family) {
        this.fd = fd;
        this.family = family;
        this.ipv6Socket = family == FAMILY_INET6;
    }

    /** The family of a new inet socket on this host (see {@link #useIPv6()}). */
    static int inetFamily() {
        return useIPv6() ? FAMILY_INET6 : FAMILY_INET;
    }

    /** True when sockets are dual-stack IPv6 (the host has IPv6 and java.net.preferIPv4Stack is unset). */
    public static boolean useIPv6() {
        Boolean v = ipv6;
        if (v == null) {
            v = !Boolean.getBoolean("java.net.preferIPv4Stack") && NativeSocket.ipv6Supported();
            ipv6 = v;
        }
        return v;
    }

    public static PollenSocket newStreamSocket() {
        int family = inetFamily();
        int fd = NativeSocket.newStream(family == FAMILY_INET6);
        if (fd < 0) {
            throw new ChannelException(Errors.newIOException("socket", fd));
        }
        return new PollenSocket(fd, family);
    }

    public int intValue() {
        return fd;
    }

    public int family() {
        return family;
    }

    public boolean isOpen() {
        return open;
    }

    public boolean isInputShutdown() {
        return inputShutdown;
    }

    public boolean isOutputShutdown() {
        return outputShutdown;
    }

    public boolean isShutdown() {
        return inputShutdown && outputShutdown;
    }

    /** Whether this is a dual-stack IPv6 socket. */
    public boolean isIPv6() {
        return ipv6Socket;
    }

    /** The 24-byte native form of an inet address (pollen_socket.h), for transport-specific natives. */
    public static byte[] encodeAddress(SocketAddress address) {
        return encode(address);
    }

    private static byte[] encode(SocketAddress address) {
        if (!(address instanceof InetSocketAddress)) {
            throw new UnsupportedAddressTypeException();
        }
        InetSocketAddress isa = (InetSocketAddress) address;
        if (isa.isUnresolved()) {
            throw new UnresolvedAddressException();
        }
        InetAddress ia = isa.getAddress();
        byte[] raw = ia.getAddress();
        byte[] out = new byte[ADDR_SIZE];
        out[0] = (byte) raw.length;
        System.arraycopy(raw, 0, out, 1, raw.length);
        int port = isa.getPort();
        out[17] = (byte) (port >>> 8);
        out[18] = (byte) port;
        if (ia instanceof Inet6Address) {
            int scope = ((Inet6Address) ia).getScopeId();
            out[20] = (byte) (scope >>> 24);
            out[21] = (byte) (scope >>> 16);
            out[22] = (byte) (scope >>> 8);
            out[23] = (byte) scope;
        }
        return out;
    }

    static InetSocketAddress decode(byte[] a) {
        int len = a[0];
        if (len != 4 && len != 16) {
            return null;
        }
        byte[] raw = new byte[len];
        System.arraycopy(a, 1, raw, 0, len);
        int port = ((a[17] & 0xff) << 8) | (a[18] & 0xff);
        try {
            InetAddress ia;
            if (len == 16) {
                int scope = ((a[20] & 0xff) << 24) | ((a[21] & 0xff) << 16) | ((a[22] & 0xff) << 8) | (a[23] & 0xff);
                ia = scope != 0 ? Inet6Address.getByAddress(null, raw, scope) : InetAddress.getByAddress(raw);
            } else {
                ia = InetAddress.getByAddress(raw);
            }
            return new InetSocketAddress(ia, port);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // cannot happen: the length was checked
        }
    }

    private void checkOpen() throws ClosedChannelException {
        if (!open) {
            throw new ClosedChannelException();
        }
    }

    public void bind(SocketAddress local) throws IOException {
        checkOpen();
        if (family == FAMILY_UNIX) {
            UnixSockets.bind(this, local);
            return;
        }
        byte[] a = encode(local);
        if (!ipv6Socket && a[0] == 16) {
            throw new NativeIoException("bind", Errors.EAFNOSUPPORT, false);
        }
        int rc = NativeSocket.bind(fd, ipv6Socket, a);
        if (rc < 0) {
            throw Errors.newIOException("bind", rc);
        }
    }

    public void listen(int backlog) throws IOException {
        checkOpen();
        int rc = NativeSocket.listen(fd, backlog);
        if (rc < 0) {
            throw Errors.newIOException("listen", rc);
        }
    }

    /** Returns true if connected at once, false if the connection is in progress. */
    public boolean connect(SocketAddress remote) throws IOException {
        checkOpen();
        if (family == FAMILY_UNIX) {
            return UnixSockets.connect(this, remote);
        }
        byte[] a = encode(remote);
        if (!ipv6Socket && a[0] == 16) {
            throw new NativeIoException("connect", Errors.EAFNOSUPPORT, false);
        }
        int rc = NativeSocket.connect(fd, ipv6Socket, a);
        if (rc < 0) {
            throw Errors.newIOException("connect", rc);
        }
        return rc == 1;
    }

    /** Returns true once the connection is established; throws the connect's own error on failure. */
    public boolean finishConnect() throws IOException {
        checkOpen();
        int rc = NativeSocket.finishConnect(fd);
        if (rc < 0) {
            // The pending error is the connect's own: name the call the user made.
            throw Errors.newIOException("connect", rc);
        }
        return rc == 1;
    }

    /**
     * Accepts one connection. Returns null when none is pending; the peer address is written to
     * {@code remote} (decode it with {@link #decode}).
     */
    public PollenSocket accept(byte[] remote) throws IOException {
        checkOpen();
        int rc = NativeSocket.accept(fd, remote);
        if (rc < 0) {
            if (Errors.isWouldBlock(rc)) {
                return null;
            }
            throw Errors.newIOException("accept", rc);
        }
        return new PollenSocket(rc, family);
    }

    public SocketAddress localAddress() {
        if (!open) {
            return null; // the number may already name another socket
        }
        if (family == FAMILY_UNIX) {
            return UnixSockets.localAddress(this);
        }
        byte[] a = new byte[ADDR_SIZE];
        return NativeSocket.localAddress(fd, a) < 0 ? null : decode(a);
    }

    public SocketAddress remoteAddress() {
        if (!open) {
            return null;
        }
        if (family == FAMILY_UNIX) {
            return UnixSockets.remoteAddress(this);
        }
        byte[] a = new byte[ADDR_SIZE];
        return NativeSocket.remoteAddress(fd, a) < 0 ? null : decode(a);
    }

    /** Reads into native memory: bytes read, 0 if none are available, -1 at end of stream. */
    public int recv(long address, int length) throws IOException {
        checkOpen();
        int rc = NativeSocket.recv(fd, address, length);
        if (rc > 0) {
            return rc;
        }
        if (rc == 0) {
            return -1;
        }
        if (Errors.isWouldBlock(rc)) {
            return 0;
        }
        throw Errors.newIOException("recv", rc, true);
    }

    /** Writes from native memory: bytes written, 0 if the send buffer is full. */
    public int send(long address, int length) throws IOException {
        checkOpen();
        int rc = NativeSocket.send(fd, address, length);
        if (rc >= 0) {
            return rc;
        }
        if (Errors.isWouldBlock(rc)) {
            return 0;
        }
        throw Errors.newIOException("send", rc, true);
    }

    /** A gathering write of {@code count} iovecs at {@code iov}: bytes written, 0 if the buffer is full. */
    public long writev(long iov, int count) throws IOException {
        checkOpen();
        long rc = NativeSocket.writev(fd, iov, count);
        if (rc >= 0) {
            return rc;
        }
        if (Errors.isWouldBlock((int) rc)) {
            return 0;
        }
        throw Errors.newIOException("writev", (int) rc, true);
    }

    /** Shuts down one or both directions; {@link NotYetConnectedException} if not connected. */
    public void shutdown(boolean read, boolean write) throws IOException {
        checkOpen();
        int rc = NativeSocket.shutdown(fd, read, write);
        if (rc < 0) {
            if (rc == -Errors.ENOTCONN) {
                throw new NotYetConnectedException();
            }
            throw Errors.newIOException("shutdown", rc);
        }
        inputShutdown |= read;
        outputShutdown |= write;
    }

    /** Marks input as shut down without a system call (the peer closed, or a read failed). */
    void markInputShutdown() {
        inputShutdown = true;
    }

    public void close() throws IOException {
        synchronized (this) {
            if (!open) {
                return;
            }
            open = false;
        }
        inputShutdown = true;
        outputShutdown = true;
        int rc = NativeSocket.close(fd);
        if (rc < 0) {
            throw Errors.newIOException("close", rc);
        }
    }

    public void setOption(int option, int value) throws IOException {
        checkOpen();
        int rc = NativeSocket.setOption(fd, option, value);
        if (rc < 0) {
            throw Errors.newIOException("setsockopt", rc);
        }
    }

    public int getOption(int option) throws IOException {
        checkOpen();
        int[] out = new int[1];
        int rc = NativeSocket.getOption(fd, option, out);
        if (rc < 0) {
            throw Errors.newIOException("getsockopt", rc);
        }
        return out[0];
    }

    /** {@link #getOption} for config classes: a failure becomes a {@link ChannelException}. */
    public int getOptionOrThrow(int option) {
        try {
            return getOption(option);
        } catch (IOException e) {
            throw new ChannelException(e);
        }
    }

    /** {@link #setOption} for config classes: a failure becomes a {@link ChannelException}. */
    public void setOptionOrThrow(int option, int value) {
        try {
            setOption(option, value);
        } catch (IOException e) {
            throw new ChannelException(e);
        }
    }

    /** Sets any option by the platform's level and name, as raw bytes. */
    public void setRawOption(int level, int name, byte[] value) throws IOException {
        checkOpen();
        int rc = NativeSocket.setRawOption(fd, level, name, value);
        if (rc < 0) {
            throw Errors.newIOException("setsockopt", rc);
        }
    }

    /** Reads any option by the platform's level and name into {@code value}; returns its size. */
    public int getRawOption(int level, int name, byte[] value) throws IOException {
        checkOpen();
        int rc = NativeSocket.getRawOption(fd, level, name, value);
        if (rc < 0) {
            throw Errors.newIOException("getsockopt", rc);
        }
        return rc;
    }

    /** Installs (or with an empty key removes) the TCP MD5 signature key for a peer. */
    public void setMd5Sig(InetAddress peer, byte[] key) throws IOException {
        checkOpen();
        int rc = NativeSocket.setMd5Sig(fd, ipv6Socket, encode(new InetSocketAddress(peer, 0)), key);
        if (rc < 0) {
            throw Errors.newIOException("setsockopt(TCP_MD5SIG)", rc);
        }
    }

    /**
     * Sends {@code length} bytes of an opened region from {@code base + offset} with sendfile,
     * advancing its transferred count: bytes sent, 0 if the socket is full, -1 if this platform or
     * JDK gives no access to any region's file, -2 if this region's FileChannel has no descriptor
     * (a zip file system's, say): the caller then copies. A file shorter than the region is an
     * IOException.
     */
    public long sendFile(io.netty.channel.DefaultFileRegion region, long base, long offset, long length)
            throws IOException {
        checkOpen();
        long rc = NativeSocket.sendFile(fd, region, base, offset, length);
        if (rc > 0) {
            return rc;
        }
        if (rc == 0) {
            // Nothing left to read: the file is shorter than the region claims.
            throw new IOException("sendfile(..) failed: file ended at offset " + (base + offset) + " with "
                    + length + " bytes of the region (count " + region.count() + ") still unsent");
        }
        if (Errors.isWouldBlock((int) rc)) {
            return 0;
        }
        if (rc == -Errors.ENOSYS) {
            return -1;
        }
        if (rc == -DatagramPacketArray.EOPNOTSUPP) {
            return -2;
        }
        throw Errors.newIOException("sendfile", (int) rc, true);
    }

    @Override
    public String toString() {
        return "PollenSocket{fd=" + fd + (open ? "" : ", closed") + '}';
    }
}
