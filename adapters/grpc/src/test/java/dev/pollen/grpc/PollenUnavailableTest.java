package dev.pollen.grpc;

import dev.pollen.channel.PollenChannelOption;
import dev.pollen.transport.Transport;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelProvider;
import io.grpc.Server;
import io.grpc.ServerProvider;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.pollen.grpc.Grpcs.assertAllOf;
import static dev.pollen.grpc.Grpcs.close;
import static dev.pollen.grpc.Grpcs.log;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs in its own JVM, where no Pollen transport loads ({@code -Dio.netty.native.workdir} under a
 * file: the native library cannot be extracted): everything falls back to Netty's NIO.
 */
class PollenUnavailableTest {

    @Test
    void fallsBackToNioWithTheReason() throws Exception {
        Transport t = PollenGrpc.transport();
        log("fallback", "Netty " + PollenGrpcTest.nettyVersions() + ", transport " + t);
        assertFalse(t.isPollen());
        assertEquals("nio", t.name());
        assertTrue(t.reason().startsWith("no Pollen transport can be used here"), t.reason());

        // The providers step aside: gRPC's registries give Netty's own builders.
        assertFalse(new PollenServerProvider().isAvailable());
        assertFalse(new PollenChannelProvider().isAvailable());
        assertEquals("io.grpc.netty.NettyServerProvider", ServerProvider.provider().getClass().getName());
        assertEquals("io.grpc.netty.NettyChannelProvider", ManagedChannelProvider.provider().getClass().getName());
        assertInstanceOf(NettyServerBuilder.class, Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create()));
        assertInstanceOf(NettyChannelBuilder.class, Grpc.newChannelBuilder("localhost:1", InsecureChannelCredentials.create()));

        RecordingTransport recording = new RecordingTransport(t);
        Server server = null;
        ManagedChannel channel = null;
        try (NettyWarnings warnings = new NettyWarnings()) {
            server = PollenGrpc.configure(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)), recording)
                    .addService(Echo.service()).build().start();
            NettyChannelBuilder cb = PollenGrpc.configure(
                    NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()), recording).usePlaintext();
            PollenGrpc.keepAlive(cb, 30, 5, TimeUnit.SECONDS);
            assertNull(PollenGrpc.tcpUserTimeoutMillis(cb), "NIO channels have no TCP_USER_TIMEOUT");
            channel = cb.build();

            Echo.unary(channel, PollenGrpcTest.UNARY_CALLS);
            Echo.bidi(channel, PollenGrpcTest.BIDI_MESSAGES);

            log("fallback", PollenGrpcTest.UNARY_CALLS + " unary + a bidi stream of " + PollenGrpcTest.BIDI_MESSAGES
                    + " each way; " + recording.describe());
            assertAllOf(NioSocketChannel.class, recording.connected, "client");
            assertAllOf(NioServerSocketChannel.class, recording.listeners, "listener");
            assertAllOf(NioSocketChannel.class, recording.accepted, "accepted");
            // Nothing Pollen-only reached the NIO channels, so Netty logged nothing about options.
            assertFalse(recording.connected.get(0).config().getOptions().containsKey(PollenChannelOption.TCP_USER_TIMEOUT));
            assertEquals(List.of(), warnings.messages);
            assertEquals(List.of(), warnings.leaks);
        } finally {
            close(server, channel);
        }
    }

    /**
     * Unix domain sockets on the NIO fallback: the same calls as over Pollen. NIO's domain channels
     * take only java.net.UnixDomainSocketAddress; the listen address and the unix: target give
     * Netty's DomainSocketAddress, which configureDomainSocket converts.
     */
    @Test
    void unixDomainSocketsFallBackToNioDomainChannels(@TempDir Path dir) throws Exception {
        Transport t = PollenGrpc.transport();
        assertFalse(t.isPollen());
        RecordingTransport recording = new RecordingTransport(t);
        String path = dir.resolve("grpc.sock").toString();
        Server server = null;
        ManagedChannel channel = null;
        try (NettyWarnings warnings = new NettyWarnings()) {
            server = PollenGrpc.configureDomainSocket(NettyServerBuilder.forAddress(new DomainSocketAddress(path)), recording)
                    .addService(Echo.service()).build().start();
            channel = PollenGrpc.configureDomainSocket(NettyChannelBuilder.forTarget("unix://" + path), recording)
                    .usePlaintext().build();

            Echo.unary(channel, 50);
            Echo.bidi(channel, 500);

            log("fallback-unix", "50 unary + a bidi stream of 500 each way; " + recording.describe());
            assertAllOf(NioDomainSocketChannel.class, recording.connected, "client");
            assertAllOf(NioServerDomainSocketChannel.class, recording.listeners, "listener");
            assertAllOf(NioDomainSocketChannel.class, recording.accepted, "accepted");
            assertEquals(List.of(), warnings.messages);
            assertEquals(List.of(), warnings.leaks);
        } finally {
            close(server, channel);
        }
    }
}
