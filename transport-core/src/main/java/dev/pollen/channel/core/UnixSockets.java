package dev.pollen.channel.core;

import dev.pollen.channel.AbstractNamespaceAddress;
import dev.pollen.channel.PeerCredentials;
import io.netty.channel.ChannelException;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.channels.UnsupportedAddressTypeException;

/**
 * Unix domain sockets for {@link PollenSocket}: creation, and addressing with
 * {@link UnixDomainSocketAddress} (a file system path, as Netty's NIO transport uses) or
 * {@link AbstractNamespaceAddress} (Linux only). Netty's {@code io.netty.channel.unix.DomainSocketAddress},
 * which frameworks pass to Netty's own native transports, is taken as the path it names.
 */
public final class UnixSockets {
    /** Paths are encoded as the JDK encodes file names, so that NIO peers find the same file. */
    private static final Charset PATH_CHARSET = jnuCharset();
    private static final UnixDomainSocketAddress UNNAMED = UnixDomainSocketAddress.of("");
    private static final int ADDR_BUF = 256;
    private static final String NETTY_DOMAIN_ADDRESS = "io.netty.channel.unix.DomainSocketAddress";

    private UnixSockets() {
    }

    /** pipe(2), both ends close-on-exec: {@code [0]} reads, {@code [1]} writes ({@code FileDescriptor.pipe()}). */
    public static int[] pipe() throws IOException {
        int[] fds = new int[2];
        int rc = NativeUnix.pipe(fds);
        if (rc < 0) {
            throw Errors.newIOException("pipe", rc);
        }
        return fds;
    }

    /** write(2) from a direct buffer's remaining bytes, advancing its position; returns the bytes written. */
    public static int write(int fd, ByteBuffer src) throws IOException {
        int rc = NativeUnix.write(fd, NativeMemory.address(src) + src.position(), src.remaining());
        if (rc < 0) {
            throw Errors.newIOException("write", rc);
        }
        src.position(src.position() + rc);
        return rc;
    }

    /** read(2) into a direct buffer, advancing its position; returns the bytes read, -1 at end of file. */
    public static int read(int fd, ByteBuffer dst) throws IOException {
        int rc = NativeUnix.read(fd, NativeMemory.address(dst) + dst.position(), dst.remaining());
        if (rc < 0) {
            throw Errors.newIOException("read", rc);
        }
        if (rc == 0 && dst.hasRemaining()) {
            return -1;
        }
        dst.position(dst.position() + rc);
        return rc;
    }

    /** close(2). */
    public static void close(int fd) throws IOException {
        int rc = NativeUnix.close(fd);
        if (rc < 0) {
            throw Errors.newIOException("close", rc);
        }
    }

    /** The charset the JDK encodes file names in ({@code sun.jnu.encoding}), so natives name the same files. */
    public static Charset pathCharset() {
        return PATH_CHARSET;
    }

    private static Charset jnuCharset() {
        try {
            return Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
        } catch (RuntimeException e) {
            return StandardCharsets.UTF_8;
        }
    }

    /** A new non-blocking Unix stream socket. */
    public static PollenSocket newStreamSocket() {
        return newSocket(NativeUnix.STREAM);
    }

    /** A new non-blocking Unix datagram socket. */
    public static PollenSocket newDatagramSocket() {
        return newSocket(NativeUnix.DGRAM);
    }

    private static PollenSocket newSocket(int type) {
        int fd = NativeUnix.newSocket(type);
        if (fd < 0) {
            throw new ChannelException(Errors.newIOException("socket", fd));
        }
        return new PollenSocket(fd, PollenSocket.FAMILY_UNIX);
    }

    /** The raw sun_path bytes of an address; throws for other address types or an empty path. */
    static byte[] encode(SocketAddress address) {
        String path = address instanceof UnixDomainSocketAddress
                ? ((UnixDomainSocketAddress) address).getPath().toString() : nettyDomainPath(address);
        if (path != null) {
            if (path.isEmpty()) {
                throw new IllegalArgumentException("empty Unix domain socket path");
            }
            return path.getBytes(PATH_CHARSET);
        }
        if (address instanceof AbstractNamespaceAddress) {
            if (!"linux".equals(NativeLibrary.os())) {
                throw new UnsupportedAddressTypeException();
            }
            return sunPath((AbstractNamespaceAddress) address);
        }
        throw new UnsupportedAddressTypeException();
    }

    /** The sun_path bytes of an abstract name: a NUL, then the name. */
    private static byte[] sunPath(AbstractNamespaceAddress address) {
        byte[] name = address.bytes();
        byte[] out = new byte[name.length + 1];
        System.arraycopy(name, 0, out, 1, name.length);
        return out;
    }

    /**
     * The path of a Netty {@code io.netty.channel.unix.DomainSocketAddress} (from netty-transport-native-unix-common,
     * which Pollen does not depend on), or null for any other address.
     */
    private static String nettyDomainPath(SocketAddress address) {
        for (Class<?> c = address.getClass(); c != SocketAddress.class && c != null; c = c.getSuperclass()) {
            if (NETTY_DOMAIN_ADDRESS.equals(c.getName())) {
                try {
                    return (String) c.getMethod("path").invoke(address);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    throw new IllegalArgumentException("cannot read the path of " + address, e);
                }
            }
        }
        return null;
    }

    static SocketAddress decode(byte[] a, int len) {
        if (len <= 0) {
            return UNNAMED;
        }
        if (a[0] == 0) {
            byte[] name = new byte[len - 1];
            System.arraycopy(a, 1, name, 0, name.length);
            return AbstractNamespaceAddress.of(name);
        }
        return UnixDomainSocketAddress.of(new String(a, 0, len, PATH_CHARSET));
    }

    static void bind(PollenSocket socket, SocketAddress local) throws IOException {
        int rc = NativeUnix.bind(socket.intValue(), encode(local));
        if (rc < 0) {
            throw Errors.newIOException("bind", rc);
        }
    }

    static boolean connect(PollenSocket socket, SocketAddress remote) throws IOException {
        int rc = NativeUnix.connect(socket.intValue(), encode(remote));
        if (rc < 0) {
            throw Errors.newIOException("connect", rc);
        }
        return rc == 1;
    }

    static SocketAddress localAddress(PollenSocket socket) {
        byte[] a = new byte[ADDR_BUF];
        int rc = NativeUnix.localAddress(socket.intValue(), a);
        return rc < 0 ? null : decode(a, rc);
    }

    static SocketAddress remoteAddress(PollenSocket socket) {
        byte[] a = new byte[ADDR_BUF];
        int rc = NativeUnix.remoteAddress(socket.intValue(), a);
        return rc < 0 ? null : decode(a, rc);
    }

    /** The connected peer's credentials. */
    public static PeerCredentials peerCredentials(PollenSocket socket) throws IOException {
        int[] out = new int[2 + 64];
        int rc = NativeUnix.peerCredentials(socket.intValue(), out);
        if (rc < 0) {
            throw Errors.newIOException("getsockopt", rc);
        }
        int[] gids = new int[rc];
        System.arraycopy(out, 2, gids, 0, rc);
        return new PeerCredentials(out[0], out[1], gids);
    }

    /** Removes the file a listener was bound to, if the address is a path; never throws. */
    static void deleteSocketFile(SocketAddress local) {
        if (local instanceof UnixDomainSocketAddress) {
            Path path = ((UnixDomainSocketAddress) local).getPath();
            if (!path.toString().isEmpty()) {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException | SecurityException ignored) {
                    // Someone else's file now, or already gone.
                }
            }
        }
    }
}
