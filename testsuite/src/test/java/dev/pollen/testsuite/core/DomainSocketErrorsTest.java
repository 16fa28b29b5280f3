package dev.pollen.testsuite.core;

import dev.pollen.channel.AbstractNamespaceAddress;
import dev.pollen.channel.core.AbstractPollenDomainSocketChannel;
import dev.pollen.channel.DomainSocketReadMode;
import dev.pollen.channel.core.Errors;
import dev.pollen.channel.FileDescriptor;
import dev.pollen.channel.NativeIoException;
import dev.pollen.channel.PollenChannelOption;
import dev.pollen.testsuite.PollenTransports;
import dev.pollen.testsupport.TransportTestSupport;
import dev.pollen.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.UnsupportedAddressTypeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Unix domain sockets: failures name the call and the error; nothing leaks. */
class DomainSocketErrorsTest {
    /** The transport under test (-Dpollen.testsuite.transport); not run for wepoll, which has no Unix domain channels. */
    private static final Transport T = PollenTransports.transport();

    /** Linux errno values the tests expect (asm-generic/errno-base.h, errno.h). */
    private static final int ENOENT = 2;
    private static final int ENAMETOOLONG = 36;

    private static EventLoopGroup group;

    @TempDir
    Path dir;

    @BeforeAll
    static void setUp() {
        group = TransportTestSupport.newGroup(T, 1);
    }

    @AfterAll
    static void tearDown() {
        TransportTestSupport.shutdown(group);
    }

    private static Throwable connectFailure(SocketAddress address) throws InterruptedException {
        Throwable cause = new Bootstrap().group(group).channelFactory(T.domainSocketChannelFactory())
                .handler(new ChannelInboundHandlerAdapter()).connect(address).await().cause();
        assertTrue(cause != null, "connect to " + address + " succeeded");
        return cause;
    }

    private static Throwable bindFailure(SocketAddress address) throws InterruptedException {
        Throwable cause = new ServerBootstrap().group(group).channelFactory(T.serverDomainSocketChannelFactory())
                .childHandler(new ChannelInboundHandlerAdapter()).bind(address).await().cause();
        assertTrue(cause != null, "bind to " + address + " succeeded");
        return cause;
    }

    @Test
    void connectToAMissingPath() throws Exception {
        Throwable cause = connectFailure(UnixDomainSocketAddress.of(dir.resolve("missing.sock")));
        NativeIoException e = assertInstanceOf(NativeIoException.class, cause);
        assertEquals(ENOENT, e.errno());
        assertEquals("connect(..) failed: " + Errors.message(ENOENT), e.getMessage());
    }

    @Test
    void connectToAPathNobodyListensOn() throws Exception {
        Path path = dir.resolve("deaf.sock");
        // Bound but not listening: the kernel refuses.
        AbstractPollenDomainSocketChannel bound = (AbstractPollenDomainSocketChannel) T.domainSocketChannelFactory().newChannel();
        group.next().register(bound).sync();
        bound.bind(UnixDomainSocketAddress.of(path)).sync();
        try {
            Throwable cause = connectFailure(UnixDomainSocketAddress.of(path));
            assertInstanceOf(ConnectException.class, cause);
            assertTrue(cause.getMessage().startsWith("connect(..) failed: " + Errors.message(Errors.ECONNREFUSED)),
                    cause.getMessage());
        } finally {
            bound.close().sync();
            Files.deleteIfExists(path);
        }
    }

    @Test
    void bindToAnExistingPath() throws Exception {
        Path path = Files.createFile(dir.resolve("taken.sock"));
        Throwable cause = bindFailure(UnixDomainSocketAddress.of(path));
        assertInstanceOf(BindException.class, cause);
        assertEquals("bind(..) failed: " + Errors.message(Errors.EADDRINUSE), cause.getMessage());
        // A failed bind never deletes what it found in place.
        assertTrue(Files.isRegularFile(path));
    }

    @Test
    void bindToAnAbstractNameInUse() throws Exception {
        AbstractNamespaceAddress name = AbstractNamespaceAddress.of("pollen-taken-" + System.nanoTime());
        Channel first = DomainSocketTest.server(group, name, new ChannelInboundHandlerAdapter());
        try {
            assertInstanceOf(BindException.class, bindFailure(name));
        } finally {
            first.close().sync();
        }
    }

    @Test
    void overLongPathsAreRefused() throws Exception {
        String longName = "x".repeat(200);
        UnixDomainSocketAddress path = UnixDomainSocketAddress.of(dir.resolve(longName));
        for (Throwable cause : new Throwable[] { bindFailure(path), connectFailure(path) }) {
            NativeIoException e = assertInstanceOf(NativeIoException.class, cause);
            assertEquals(ENAMETOOLONG, e.errno());
            assertTrue(e.getMessage().matches("(bind|connect)\\(\\.\\.\\) failed: " + Errors.message(ENAMETOOLONG)),
                    e.getMessage());
        }
        NativeIoException e = assertInstanceOf(NativeIoException.class,
                bindFailure(AbstractNamespaceAddress.of(longName)));
        assertEquals(ENAMETOOLONG, e.errno());
        assertFalse(new File(dir.toFile(), longName).exists());
    }

    @Test
    void wrongAddressesAreRefused() throws Exception {
        assertInstanceOf(UnsupportedAddressTypeException.class,
                connectFailure(new InetSocketAddress("127.0.0.1", 9)));
        assertInstanceOf(UnsupportedAddressTypeException.class, bindFailure(new InetSocketAddress(0)));
        IllegalArgumentException e = assertInstanceOf(IllegalArgumentException.class,
                connectFailure(UnixDomainSocketAddress.of("")));
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
    }

    @Test
    void peerCredentialsNeedAConnection() throws Exception {
        AbstractPollenDomainSocketChannel ch = (AbstractPollenDomainSocketChannel) T.domainSocketChannelFactory().newChannel();
        try {
            assertThrows(NotYetConnectedException.class, ch::peerCredentials);
        } finally {
            ch.unsafe().closeForcibly();
        }
        IOException closed = assertThrows(IOException.class, ch::peerCredentials);
        assertTrue(closed instanceof java.nio.channels.ClosedChannelException, closed.toString());
    }

    /** Open descriptors and what they are (also used by {@link DomainSocketHostilePeerTest}). */
    static Map<String, String> openFds() throws IOException {
        Map<String, String> fds = new TreeMap<>();
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            for (Path p : (Iterable<Path>) s::iterator) {
                try {
                    fds.put(p.getFileName().toString(), Files.readSymbolicLink(p).toString());
                } catch (IOException gone) {
                    // The listing's own descriptor, closed by now.
                }
            }
        }
        return fds;
    }

    @ChannelHandler.Sharable
    private static final class Sink extends ChannelInboundHandlerAdapter {
    }

    /** Connections, descriptors passed and dropped, failures: the process ends with the descriptors it had. */
    @Test
    void noDescriptorLeaks() throws Exception {
        EventLoopGroup own = TransportTestSupport.newGroup(T, 1);
        TransportTestSupport.shutdown(own); // warm up: classes, the library, the JDK's own lazily opened files
        connectFailure(UnixDomainSocketAddress.of(dir.resolve("warm.sock")));
        Map<String, String> before = openFds();

        own = TransportTestSupport.newGroup(T, 2);
        try {
            UnixDomainSocketAddress address = UnixDomainSocketAddress.of(dir.resolve("leak.sock"));
            Channel server = new ServerBootstrap().group(own).channelFactory(T.serverDomainSocketChannelFactory())
                    .childOption(PollenChannelOption.DOMAIN_SOCKET_READ_MODE, DomainSocketReadMode.FILE_DESCRIPTORS)
                    // Descriptors nobody handles reach the pipeline's end: Netty releases, hence closes, them.
                    .childHandler(new Sink()).bind(address).sync().channel();
            for (int i = 0; i < 20; i++) {
                Channel client = DomainSocketTest.client(own, address, new ChannelInboundHandlerAdapter());
                FileDescriptor[] pipe = FileDescriptor.pipe();
                client.writeAndFlush(pipe[1]).sync();
                client.writeAndFlush(Unpooled.copiedBuffer("bytes", StandardCharsets.US_ASCII)).sync();
                pipe[0].close();
                client.close().sync();
            }
            connectFailure(UnixDomainSocketAddress.of(dir.resolve("missing.sock")));
            bindFailure(address);
            server.close().sync();
        } finally {
            TransportTestSupport.shutdown(own);
        }
        Map<String, String> after = openFds();
        for (int i = 0; i < 200 && !after.equals(before); i++) {
            Thread.sleep(10); // children close as their peers' end of stream arrives
            after = openFds();
        }
        assertEquals(before, after, "descriptors open before and after");
        assertTrue(own.awaitTermination(1, TimeUnit.SECONDS));
    }
}
