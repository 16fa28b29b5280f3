package dev.pollen.grpc;

import dev.pollen.transport.Transport;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.ManagedChannelProvider;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerProvider;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.EventExecutor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static dev.pollen.grpc.Grpcs.assertAllOf;
import static dev.pollen.grpc.Grpcs.assertDrivenBy;
import static dev.pollen.grpc.Grpcs.close;
import static dev.pollen.grpc.Grpcs.log;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** No Pollen code at all on the gRPC side: gRPC's registries find Pollen's providers. */
class ServiceLoaderTest {

    @Test
    void grpcsTransportNeutralBuildersRunOnPollen() throws Exception {
        Transport pollen = PollenGrpc.transport();
        assertTrue(pollen.isPollen(), pollen.toString());
        assertInstanceOf(PollenServerProvider.class, ServerProvider.provider());
        assertInstanceOf(PollenChannelProvider.class, ManagedChannelProvider.provider());

        EventLoopGroup worker = PollenGrpc.sharedWorkerGroup(pollen);
        List<EventExecutor> serverLoops = new CopyOnWriteArrayList<>();
        List<EventExecutor> clientLoops = new CopyOnWriteArrayList<>();
        Server server = null;
        ManagedChannel channel = null;
        try (NettyWarnings warnings = new NettyWarnings()) {
            ServerBuilder<?> sb = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create());
            assertInstanceOf(NettyServerBuilder.class, sb);
            server = sb.directExecutor().permitKeepAliveTime(1, TimeUnit.SECONDS)
                    .addService(Echo.service(() -> serverLoops.add(Grpcs.currentLoopOf(worker)))).build().start();

            ManagedChannelBuilder<?> cb = Grpc.newChannelBuilder("localhost:" + server.getPort(),
                    InsecureChannelCredentials.create());
            assertInstanceOf(PollenChannelBuilder.class, cb);
            cb.keepAliveTime(20, TimeUnit.SECONDS).keepAliveTimeout(4, TimeUnit.SECONDS).directExecutor();
            Integer tcpUserTimeout = PollenGrpc.tcpUserTimeoutMillis(((PollenChannelBuilder) cb).nettyBuilder());
            assertEquals(PollenGrpc.hasTcpUserTimeout(pollen) ? 4000 : null, tcpUserTimeout);
            channel = cb.build();

            Echo.unary(channel, PollenGrpcTest.UNARY_CALLS);
            Echo.bidi(channel, PollenGrpcTest.BIDI_MESSAGES);
            assertEquals("echo:async", Echo.asyncUnary(channel, "async",
                    () -> clientLoops.add(Grpcs.currentLoopOf(worker))));

            log("service-loader", "providers " + ServerProvider.provider().getClass().getName() + " / "
                    + ManagedChannelProvider.provider().getClass().getName() + "; builders "
                    + sb.getClass().getName() + " / " + cb.getClass().getName() + " (TCP_USER_TIMEOUT to set: "
                    + tcpUserTimeout + " ms); " + PollenGrpcTest.UNARY_CALLS + " unary + a bidi stream of "
                    + PollenGrpcTest.BIDI_MESSAGES + " each way + 1 async unary; server handler on " + serverLoops.get(0)
                    + ", client response on " + clientLoops.get(0) + ", I/O handler " + pollen.ioHandlerClass().getName());
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

    @Test
    void unixTargetsGetPollensDomainChannels(@TempDir Path dir) throws Exception {
        Transport pollen = PollenGrpc.transport();
        assertTrue(pollen.supportsDomainSockets(), pollen.toString());
        RecordingTransport t = new RecordingTransport(pollen);
        String path = dir.resolve("grpc.sock").toString();
        Server server = null;
        ManagedChannel channel = null;
        try (NettyWarnings warnings = new NettyWarnings()) {
            server = PollenGrpc.configureDomainSocket(NettyServerBuilder.forAddress(new DomainSocketAddress(path)), t)
                    .addService(Echo.service()).build().start();
            ManagedChannelBuilder<?> cb = Grpc.newChannelBuilder("unix://" + path, InsecureChannelCredentials.create());
            assertInstanceOf(PollenChannelBuilder.class, cb);
            channel = cb.build();

            Echo.unary(channel, 50);
            Echo.bidi(channel, 500);

            // A TCP channel cannot reach a socket file: the calls went over a domain channel; the server saw it.
            log("service-loader-unix", "builder " + cb.getClass().getName() + "; 50 unary + a bidi stream of 500 each way; "
                    + "server " + t.describe());
            assertAllOf(pollen.serverDomainSocketChannelClass(), t.listeners, "listener");
            assertAllOf(pollen.domainSocketChannelClass(), t.accepted, "accepted");
            assertEquals(List.of(), warnings.messages);
            assertEquals(List.of(), warnings.leaks);
        } finally {
            close(server, channel);
        }
    }
}
