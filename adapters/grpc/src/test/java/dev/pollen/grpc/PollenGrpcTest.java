package dev.pollen.grpc;

import dev.pollen.channel.PollenChannelOption;
import dev.pollen.transport.Transport;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.Version;
import io.netty.util.concurrent.EventExecutor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static dev.pollen.grpc.Grpcs.assertAllOf;
import static dev.pollen.grpc.Grpcs.assertDrivenBy;
import static dev.pollen.grpc.Grpcs.close;
import static dev.pollen.grpc.Grpcs.log;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** gRPC servers and channels configured by {@link PollenGrpc}, over the Pollen transport of this machine. */
class PollenGrpcTest {
    static final int UNARY_CALLS = 200;
    static final int BIDI_MESSAGES = 2000;

    private static Transport pollen() {
        Transport t = PollenGrpc.transport();
        assertTrue(t.isPollen(), "expected a Pollen transport here: " + t);
        return t;
    }

    private static InetSocketAddress loopback() {
        return new InetSocketAddress("127.0.0.1", 0);
    }

    @Test
    void unaryAndBidiStreamingOverPollenTcpChannels() throws Exception {
        Transport pollen = pollen();
        RecordingTransport t = new RecordingTransport(pollen);
        Server server = null;
        ManagedChannel channel = null;
        try (NettyWarnings warnings = new NettyWarnings()) {
            server = PollenGrpc.configure(NettyServerBuilder.forAddress(loopback()), t)
                    .addService(Echo.service()).build().start();
            channel = PollenGrpc.configure(NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()), t)
                    .usePlaintext().build();

            Echo.unary(channel, UNARY_CALLS);
            Echo.bidi(channel, BIDI_MESSAGES);

            log("tcp", "Netty " + nettyVersions() + ", transport " + pollen + "; " + UNARY_CALLS + " unary calls (one of 1 MiB) + one bidi stream of "
                    + BIDI_MESSAGES + " messages each way; " + t.describe());
            assertAllOf(pollen.socketChannelClass(), t.connected, "client");
            assertAllOf(pollen.serverSocketChannelClass(), t.listeners, "listener");
            assertAllOf(pollen.socketChannelClass(), t.accepted, "accepted");
            assertTrue(pollen.socketChannelClass().getName().startsWith("dev.pollen.channel."));
            // No keep-alive, no TCP_USER_TIMEOUT (the kernel's default, 0), as gRPC does on Netty's epoll.
            assertEquals(0, tcpUserTimeout(pollen, t.connected.get(0)));
            assertEquals(List.of(), warnings.messages);
            assertEquals(List.of(), warnings.leaks);
        } finally {
            close(server, channel);
        }
    }

    @Test
    void keepAliveSetsTcpUserTimeoutOnPollenChannelsAsGrpcDoesOnNettyEpoll() throws Exception {
        Transport pollen = pollen();
        assertEquals("epoll".equals(pollen.name()), PollenGrpc.hasTcpUserTimeout(pollen));
        RecordingTransport viaConfigure = new RecordingTransport(pollen);
        RecordingTransport viaBuilder = new RecordingTransport(pollen);
        RecordingTransport timeoutOnly = new RecordingTransport(pollen);
        Server server = null;
        ManagedChannel a = null;
        ManagedChannel b = null;
        ManagedChannel c = null;
        try (NettyWarnings warnings = new NettyWarnings()) {
            server = PollenGrpc.configure(NettyServerBuilder.forAddress(loopback()), viaConfigure)
                    .permitKeepAliveTime(1, TimeUnit.SECONDS).permitKeepAliveWithoutCalls(true)
                    .addService(Echo.service()).build().start();
            int port = server.getPort();

            // keepAlive before configure: the order does not matter.
            NettyChannelBuilder nb = PollenGrpc.keepAlive(NettyChannelBuilder.forAddress("127.0.0.1", port),
                    30, 7, TimeUnit.SECONDS);
            a = PollenGrpc.configure(nb, viaConfigure).usePlaintext().build();
            // The transport-neutral builder: keepAliveTime/keepAliveTimeout do it.
            b = PollenChannelBuilder.forTarget("127.0.0.1:" + port, InsecureChannelCredentials.create(), viaBuilder)
                    .keepAliveTime(1, TimeUnit.MINUTES).keepAliveTimeout(2500, TimeUnit.MILLISECONDS).build();
            // A timeout without keep-alive: gRPC sets no TCP_USER_TIMEOUT then.
            c = PollenChannelBuilder.forTarget("127.0.0.1:" + port, InsecureChannelCredentials.create(), timeoutOnly)
                    .keepAliveTimeout(3, TimeUnit.SECONDS).build();

            for (ManagedChannel ch : List.of(a, b, c)) {
                Echo.unary(ch, 20);
                Echo.bidi(ch, 200);
            }

            Channel ca = viaConfigure.connected.get(0);
            Channel cb = viaBuilder.connected.get(0);
            Channel cc = timeoutOnly.connected.get(0);
            boolean has = PollenGrpc.hasTcpUserTimeout(pollen);
            log("keep-alive", "each of 3 channels: 20 unary calls + a bidi stream of 200 messages each way; "
                    + "keepAlive(30 s, 7 s) " + ca.getClass().getName() + " TCP_USER_TIMEOUT=" + tcpUserTimeout(pollen, ca)
                    + "; PollenChannelBuilder keepAliveTime(1 min)+keepAliveTimeout(2.5 s) " + cb.getClass().getName()
                    + " TCP_USER_TIMEOUT=" + tcpUserTimeout(pollen, cb)
                    + "; keepAliveTimeout(3 s) only " + cc.getClass().getName() + " TCP_USER_TIMEOUT="
                    + tcpUserTimeout(pollen, cc) + "; accepted " + viaConfigure.accepted.stream()
                    .map(ch -> ch.getClass().getSimpleName() + " TCP_USER_TIMEOUT=" + tcpUserTimeout(pollen, ch)).toList()
                    + "; " + viaConfigure.describe());
            assertAllOf(pollen.socketChannelClass(), viaConfigure.connected, "client");
            assertAllOf(pollen.socketChannelClass(), viaBuilder.connected, "client");
            assertAllOf(pollen.socketChannelClass(), timeoutOnly.connected, "client");
            assertAllOf(pollen.socketChannelClass(), viaConfigure.accepted, "accepted");
            assertEquals(has ? 7000 : null, tcpUserTimeout(pollen, ca));
            assertEquals(has ? 2500 : null, tcpUserTimeout(pollen, cb));
            assertEquals(has ? 0 : null, tcpUserTimeout(pollen, cc));
            // gRPC's server sets no TCP_USER_TIMEOUT, not even on Netty's epoll; neither does Pollen's.
            for (Channel accepted : viaConfigure.accepted) {
                assertEquals(has ? 0 : null, tcpUserTimeout(pollen, accepted));
            }
            assertEquals(List.of(), warnings.messages);
            assertEquals(List.of(), warnings.leaks);
        } finally {
            close(server, a, b, c);
        }
    }

    /** The versions of the Netty artifacts gRPC uses, as Netty reports them at run time. */
    static String nettyVersions() {
        Map<String, Version> versions = Version.identify();
        return Stream.of("netty-transport", "netty-codec-http2", "netty-handler")
                .map(a -> a + " " + (versions.containsKey(a) ? versions.get(a).artifactVersion() : "?"))
                .collect(Collectors.joining(", "));
    }

    /** The channel's TCP_USER_TIMEOUT, or null where the OS has no such option (all but Linux). */
    private static Integer tcpUserTimeout(Transport pollen, Channel channel) {
        return PollenGrpc.hasTcpUserTimeout(pollen) ? channel.config().getOption(PollenChannelOption.TCP_USER_TIMEOUT) : null;
    }

    @Test
    void keepAliveFollowsGrpcBounds() {
        Transport pollen = pollen();
        boolean has = PollenGrpc.hasTcpUserTimeout(pollen);
        NettyChannelBuilder b = PollenGrpc.configure(NettyChannelBuilder.forTarget("localhost:1"), pollen);
        assertNull(PollenGrpc.tcpUserTimeoutMillis(b), "no keep-alive");
        PollenGrpc.keepAlive(b, 1, 1, TimeUnit.MILLISECONDS); // 10 s and 10 ms at least, as in gRPC
        assertEquals(has ? 10 : null, PollenGrpc.tcpUserTimeoutMillis(b));
        PollenGrpc.keepAlive(b, 1, 40, TimeUnit.DAYS); // beyond an int of ms: capped
        assertEquals(has ? Integer.MAX_VALUE : null, PollenGrpc.tcpUserTimeoutMillis(b));
        PollenGrpc.keepAlive(b, 1000, 1, TimeUnit.DAYS); // 1000 days: keep-alive off
        assertNull(PollenGrpc.tcpUserTimeoutMillis(b));
        PollenGrpc.keepAlive(b, 1, 20, TimeUnit.SECONDS);
        assertEquals(has ? 20_000 : null, PollenGrpc.tcpUserTimeoutMillis(b));
        PollenGrpc.configureDomainSocket(b, pollen); // domain sockets have no TCP_USER_TIMEOUT
        assertNull(PollenGrpc.tcpUserTimeoutMillis(b));
        assertThrows(IllegalArgumentException.class, () -> PollenGrpc.keepAlive(b, 0, 1, TimeUnit.SECONDS));
        assertThrows(IllegalArgumentException.class, () -> PollenGrpc.keepAlive(b, 1, 0, TimeUnit.SECONDS));
    }

    @Test
    void oneLineConfigurationRunsOnPollensSharedLoops() throws Exception {
        Transport pollen = pollen();
        EventLoopGroup worker = PollenGrpc.sharedWorkerGroup(pollen);
        assertTrue(pollen.isCompatible(worker));
        assertTrue(pollen.isCompatible(PollenGrpc.sharedBossGroup(pollen)));
        List<EventExecutor> serverLoops = new CopyOnWriteArrayList<>();
        List<EventExecutor> clientLoops = new CopyOnWriteArrayList<>();
        Server server = null;
        ManagedChannel channel = null;
        try (NettyWarnings warnings = new NettyWarnings()) {
            // directExecutor: the handlers run on the loops that read the connections.
            server = PollenGrpc.configure(NettyServerBuilder.forAddress(loopback())).directExecutor()
                    .addService(Echo.service(() -> serverLoops.add(Grpcs.currentLoopOf(worker)))).build().start();
            channel = PollenGrpc.configure(NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()))
                    .usePlaintext().directExecutor().build();

            Echo.unary(channel, UNARY_CALLS);
            Echo.bidi(channel, BIDI_MESSAGES);
            assertEquals("echo:async", Echo.asyncUnary(channel, "async",
                    () -> clientLoops.add(Grpcs.currentLoopOf(worker))));

            log("one-line", UNARY_CALLS + " unary + a bidi stream of " + BIDI_MESSAGES + " each way + 1 async unary; "
                    + "server handler ran on " + serverLoops.get(0) + " (thread " + threadOf(serverLoops.get(0))
                    + "), client response on " + clientLoops.get(0) + " (thread " + threadOf(clientLoops.get(0))
                    + "), I/O handler " + pollen.ioHandlerClass().getName());
            assertEquals(UNARY_CALLS + BIDI_MESSAGES + 1, serverLoops.size());
            for (EventExecutor loop : serverLoops) {
                assertDrivenBy(pollen.ioHandlerClass(), loop, "server handler");
            }
            assertDrivenBy(pollen.ioHandlerClass(), clientLoops.get(0), "client listener");
            assertEquals(List.of(), warnings.messages);
            assertEquals(List.of(), warnings.leaks);
        } finally {
            close(server, channel);
        }
    }

    private static String threadOf(EventExecutor loop) throws Exception {
        return loop.submit(() -> Thread.currentThread().getName()).get(60, TimeUnit.SECONDS);
    }

    @Test
    void unixDomainSocketsOverPollenDomainChannels(@TempDir Path dir) throws Exception {
        Transport pollen = pollen();
        assertTrue(pollen.supportsDomainSockets(), pollen + " has no domain sockets");
        RecordingTransport t = new RecordingTransport(pollen);
        String path = dir.resolve("grpc.sock").toString();
        Server server = null;
        ManagedChannel byTarget = null;
        ManagedChannel byBuilder = null;
        ManagedChannel byAddress = null;
        try (NettyWarnings warnings = new NettyWarnings()) {
            server = PollenGrpc.configureDomainSocket(NettyServerBuilder.forAddress(new DomainSocketAddress(path)), t)
                    .addService(Echo.service()).build().start();
            // unix: target, gRPC's resolver gives Netty's DomainSocketAddress
            byTarget = PollenGrpc.configureDomainSocket(NettyChannelBuilder.forTarget("unix://" + path), t)
                    .usePlaintext().build();
            // PollenChannelBuilder sees the unix: scheme and picks the domain channels itself
            byBuilder = PollenChannelBuilder.forTarget("unix:" + path, t).usePlaintext().build();
            // the JDK's address type
            byAddress = PollenGrpc.configureDomainSocket(
                    NettyChannelBuilder.forAddress(UnixDomainSocketAddress.of(path)), t).usePlaintext().build();

            for (ManagedChannel ch : List.of(byTarget, byBuilder, byAddress)) {
                Echo.unary(ch, UNARY_CALLS / 4);
                Echo.bidi(ch, BIDI_MESSAGES / 4);
            }

            log("unix", "3 channels (unix:// target, PollenChannelBuilder unix: target, UnixDomainSocketAddress), each "
                    + UNARY_CALLS / 4 + " unary + a bidi stream of " + BIDI_MESSAGES / 4 + " each way; " + t.describe());
            assertEquals(3, t.connected.size(), "one connection per channel");
            assertAllOf(pollen.domainSocketChannelClass(), t.connected, "client");
            assertAllOf(pollen.serverDomainSocketChannelClass(), t.listeners, "listener");
            assertAllOf(pollen.domainSocketChannelClass(), t.accepted, "accepted");
            // gRPC's SO_KEEPALIVE is taken out for domain sockets: nothing logged per connection.
            assertEquals(List.of(), warnings.messages);
            assertEquals(List.of(), warnings.leaks);
        } finally {
            close(server, byTarget, byBuilder, byAddress);
        }
    }

    /**
     * The control for the "nothing logged" checks: without configureDomainSocket's fix, gRPC's
     * SO_KEEPALIVE makes each domain channel, client and accepted, log "Unknown channel option".
     */
    @Test
    void withoutTheFixGrpcsSoKeepAliveIsLoggedOnDomainChannels(@TempDir Path dir) throws Exception {
        Transport pollen = pollen();
        String path = dir.resolve("bare.sock").toString();
        Server server = null;
        ManagedChannel channel = null;
        try (NettyWarnings warnings = new NettyWarnings(true)) {
            server = NettyServerBuilder.forAddress(new DomainSocketAddress(path))
                    .channelFactory(pollen.serverDomainSocketChannelFactory())
                    .bossEventLoopGroup(PollenGrpc.sharedBossGroup(pollen))
                    .workerEventLoopGroup(PollenGrpc.sharedWorkerGroup(pollen))
                    .addService(Echo.service()).build().start();
            channel = NettyChannelBuilder.forTarget("unix://" + path)
                    .channelFactory(pollen.domainSocketChannelFactory(), null)
                    .eventLoopGroup(PollenGrpc.sharedWorkerGroup(pollen))
                    .usePlaintext().build();
            Echo.unary(channel, 1);

            log("control", "1 unary call over bare gRPC domain channels; Netty logged " + warnings.messages);
            assertEquals(2, warnings.messages.size(), warnings.messages.toString());
            for (String m : warnings.messages) {
                assertTrue(m.startsWith("Unknown channel option") && m.contains("SO_KEEPALIVE"), m);
            }
        } finally {
            close(server, channel);
        }
    }
}
