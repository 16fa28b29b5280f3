package dev.pollen.vertx;

import dev.pollen.channel.PollenChannelOption;
import dev.pollen.channel.epoll.EpollChannelOption;
import dev.pollen.channel.epoll.EpollDatagramChannel;
import dev.pollen.channel.epoll.EpollDomainSocketChannel;
import dev.pollen.channel.epoll.EpollIoHandler;
import dev.pollen.channel.epoll.EpollServerDomainSocketChannel;
import dev.pollen.channel.epoll.EpollServerSocketChannel;
import dev.pollen.channel.epoll.EpollSocketChannel;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.IoEventLoopGroup;
import io.netty.util.Version;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.netty.util.internal.logging.JdkLoggerFactory;
import io.vertx.core.Vertx;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

import static dev.pollen.vertx.VertxTraffic.assertCarriedBy;
import static dev.pollen.vertx.VertxTraffic.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Vert.x 5.0's real servers and clients on Pollen's epoll transport (this test runs on Linux):
 * HTTP, TCP, UDP of both families and Unix domain sockets, each checked for the Pollen channel
 * classes that carried it and for Pollen's event loops.
 */
class PollenVertxTest {
    private PollenVertxTransport transport;
    private Vertx vertx;
    private VertxTraffic.NettyWarnings warnings;

    @BeforeEach
    void start() {
        warnings = new VertxTraffic.NettyWarnings().install();
        transport = PollenVertx.transport();
        vertx = Vertx.builder().withTransport(transport).build();
    }

    @AfterEach
    void stop() {
        try {
            await(vertx.close());
        } finally {
            warnings.close();
        }
        assertEquals(java.util.List.of(), warnings.seen(), "Netty warnings");
    }

    @Test
    void vertxRunsOnPollenEventLoops() {
        System.out.println("[transport] " + transport + "; Netty " + Version.identify().get("netty-transport"));
        assertTrue(transport.isPollen(), transport::toString);
        assertEquals("pollen-epoll", transport.name());
        assertEquals("available", transport.reason());
        assertTrue(transport.available());
        assertInstanceOf(PollenSpiTransport.class, transport.implementation());
        // The warnings check of every test reads Netty's log through JUL.
        assertInstanceOf(JdkLoggerFactory.class, InternalLoggerFactory.getDefaultFactory());

        VertxInternal vx = (VertxInternal) vertx;
        assertSame(transport.implementation(), vx.transport(), "the transport Vert.x runs on");
        assertTrue(vertx.isNativeTransportEnabled());
        assertTrue(((IoEventLoopGroup) vx.nettyEventLoopGroup()).isIoType(EpollIoHandler.class));
        assertTrue(transport.pollenTransport().isCompatible(vx.acceptorEventLoopGroup()));
        // Vert.x's own work runs on those loops too.
        CompletableFuture<Boolean> onLoop = new CompletableFuture<>();
        vertx.runOnContext(v -> onLoop.complete(vx.getOrCreateContext().nettyEventLoop().parent()
                == vx.nettyEventLoopGroup()));
        assertTrue(await(onLoop));
    }

    @Test
    void httpServerAndClient() {
        VertxTraffic.Exchange x = VertxTraffic.http("http", vertx, SocketAddress.inetSocketAddress(0, "127.0.0.1"), 20);
        for (Channel ch : x.server()) {
            assertCarriedBy(EpollSocketChannel.class, ch, vertx);
            assertCarriedBy(EpollServerSocketChannel.class, ch.parent(), vertx);
        }
        assertFalse(x.server().isEmpty());
        assertCarriedBy(EpollSocketChannel.class, x.client(), vertx);
    }

    @Test
    void tcpEcho() {
        VertxTraffic.Exchange x = VertxTraffic.echo("tcp", vertx, SocketAddress.inetSocketAddress(0, "127.0.0.1"), 1 << 20);
        assertEquals(1, x.server().size());
        assertCarriedBy(EpollSocketChannel.class, x.client(), vertx);
        assertCarriedBy(EpollSocketChannel.class, x.server().get(0), vertx);
        assertCarriedBy(EpollServerSocketChannel.class, x.server().get(0).parent(), vertx);
    }

    @Test
    void udpIpv4() {
        VertxTraffic.Datagrams d = VertxTraffic.udp("udp-ipv4", vertx, new DatagramSocketOptions(), "127.0.0.1", 50);
        assertCarriedBy(EpollDatagramChannel.class, d.sender(), vertx);
        assertCarriedBy(EpollDatagramChannel.class, d.receiver(), vertx);
    }

    @Test
    void udpIpv6() {
        VertxTraffic.Datagrams d = VertxTraffic.udp("udp-ipv6", vertx, new DatagramSocketOptions().setIpV6(true), "::1", 50);
        assertCarriedBy(EpollDatagramChannel.class, d.sender(), vertx);
        assertCarriedBy(EpollDatagramChannel.class, d.receiver(), vertx);
        assertInstanceOf(Inet6Address.class, ((InetSocketAddress) d.sender().localAddress()).getAddress());
    }

    @Test
    void unixDomainSocketEcho(@TempDir Path dir) {
        String path = dir.resolve("echo.sock").toString();
        VertxTraffic.Exchange x = VertxTraffic.echo("uds", vertx, SocketAddress.domainSocketAddress(path), 256 * 1024);
        assertCarriedBy(EpollDomainSocketChannel.class, x.client(), vertx);
        assertCarriedBy(EpollDomainSocketChannel.class, x.server().get(0), vertx);
        assertCarriedBy(EpollServerDomainSocketChannel.class, x.server().get(0).parent(), vertx);
        assertEquals(UnixDomainSocketAddress.of(path), x.client().remoteAddress());
    }

    /**
     * Vert.x's view of domain socket addresses: the path on both sides, though the client socket has
     * none; and the buffer sizes Vert.x sets on domain sockets too are known to Pollen's (no warning).
     */
    @Test
    void unixDomainSocketAddresses(@TempDir Path dir) {
        String path = dir.resolve("addr.sock").toString();
        CompletableFuture<NetSocket> accepted = new CompletableFuture<>();
        NetServer server = vertx.createNetServer(new NetServerOptions()
                        .setSendBufferSize(64 * 1024).setReceiveBufferSize(64 * 1024))
                .connectHandler(accepted::complete);
        await(server.listen(SocketAddress.domainSocketAddress(path)));
        NetClient client = vertx.createNetClient(new NetClientOptions()
                .setSendBufferSize(64 * 1024).setReceiveBufferSize(64 * 1024));
        try {
            NetSocket so = await(client.connect(SocketAddress.domainSocketAddress(path)));
            NetSocket peer = await(accepted);
            for (NetSocket s : new NetSocket[]{so, peer}) {
                assertTrue(s.remoteAddress().isDomainSocket(), s.remoteAddress()::toString);
                assertEquals(path, s.remoteAddress().path());
                assertEquals(path, s.localAddress().path());
            }
            System.out.println("[uds-addresses] client sees local " + so.localAddress() + ", remote " + so.remoteAddress()
                    + "; server sees local " + peer.localAddress() + ", remote " + peer.remoteAddress());
        } finally {
            await(client.close());
            await(server.close());
        }
    }

    @Test
    void httpOverUnixDomainSocket(@TempDir Path dir) {
        String path = dir.resolve("http.sock").toString();
        VertxTraffic.Exchange x = VertxTraffic.http("http-uds", vertx, SocketAddress.domainSocketAddress(path), 10);
        for (Channel ch : x.server()) {
            assertCarriedBy(EpollDomainSocketChannel.class, ch, vertx);
            assertCarriedBy(EpollServerDomainSocketChannel.class, ch.parent(), vertx);
        }
        assertCarriedBy(EpollDomainSocketChannel.class, x.client(), vertx);
    }

    /** The options Vert.x sets only for Netty's native transports reach Pollen's sockets. */
    @Test
    void nativeOnlyOptionsReachTheSockets() {
        CompletableFuture<NetSocket> accepted = new CompletableFuture<>();
        NetServer server = vertx.createNetServer(new NetServerOptions()
                        .setReusePort(true).setTcpFastOpen(true).setTcpQuickAck(true))
                .connectHandler(accepted::complete);
        await(server.listen(0, "127.0.0.1"));
        NetClientOptions clientOptions = new NetClientOptions();
        clientOptions.setTcpUserTimeout(7_000).setTcpFastOpen(true).setTcpQuickAck(true);
        NetClient client = vertx.createNetClient(clientOptions);
        try {
            NetSocket so = await(client.connect(server.actualPort(), "127.0.0.1"));
            Channel clientCh = VertxTraffic.channel(so);
            Channel acceptedCh = VertxTraffic.channel(await(accepted));
            Channel listener = acceptedCh.parent();
            assertCarriedBy(EpollSocketChannel.class, clientCh, vertx);
            assertCarriedBy(EpollServerSocketChannel.class, listener, vertx);

            assertTrue(listener.config().getOption(PollenChannelOption.SO_REUSEPORT), "listener SO_REUSEPORT");
            assertEquals(PollenSpiTransport.FAST_OPEN_QUEUE, listener.config().getOption(ChannelOption.TCP_FASTOPEN));
            assertEquals(7_000, clientCh.config().getOption(PollenChannelOption.TCP_USER_TIMEOUT));
            assertTrue(clientCh.config().getOption(ChannelOption.TCP_FASTOPEN_CONNECT), "client TCP_FASTOPEN_CONNECT");
            assertFalse(clientCh.config().getOption(EpollChannelOption.TCP_CORK), "client TCP_CORK");
            assertFalse(acceptedCh.config().getOption(EpollChannelOption.TCP_CORK), "accepted TCP_CORK");
            assertTrue(clientCh.config().getOption(ChannelOption.TCP_NODELAY), "Vert.x's TCP_NODELAY");
            System.out.println("[options] listener SO_REUSEPORT=" + listener.config().getOption(PollenChannelOption.SO_REUSEPORT)
                    + " TCP_FASTOPEN=" + listener.config().getOption(ChannelOption.TCP_FASTOPEN)
                    + "; client TCP_USER_TIMEOUT=" + clientCh.config().getOption(PollenChannelOption.TCP_USER_TIMEOUT)
                    + " TCP_FASTOPEN_CONNECT=" + clientCh.config().getOption(ChannelOption.TCP_FASTOPEN_CONNECT)
                    + " TCP_CORK=" + clientCh.config().getOption(EpollChannelOption.TCP_CORK));
        } finally {
            await(client.close());
            await(server.close());
        }

        // UDP: SO_REUSEPORT as for Netty's epoll, the multicast options as for Vert.x's NIO.
        DatagramSocket a = vertx.createDatagramSocket(new DatagramSocketOptions().setReusePort(true)
                .setLoopbackModeDisabled(false).setMulticastTimeToLive(3));
        try {
            await(a.listen(0, "127.0.0.1"));
            Channel ch = VertxTraffic.channel(a);
            assertCarriedBy(EpollDatagramChannel.class, ch, vertx);
            assertTrue(ch.config().getOption(PollenChannelOption.SO_REUSEPORT), "UDP SO_REUSEPORT");
            assertFalse(ch.config().getOption(ChannelOption.IP_MULTICAST_LOOP_DISABLED), "UDP multicast loopback");
            assertEquals(3, ch.config().getOption(ChannelOption.IP_MULTICAST_TTL));
        } finally {
            await(a.close());
        }
        DatagramSocket b = vertx.createDatagramSocket(new DatagramSocketOptions());
        try {
            Channel ch = VertxTraffic.channel(b);
            assertFalse(ch.config().getOption(PollenChannelOption.SO_REUSEPORT), "UDP SO_REUSEPORT by default");
            assertTrue(ch.config().getOption(ChannelOption.IP_MULTICAST_LOOP_DISABLED),
                    "UDP multicast loopback disabled, Vert.x's default");
        } finally {
            await(b.close());
        }
    }

    /** A Pollen transport that cannot run here is reported so, and Vert.x runs on NIO with its cause. */
    @Test
    void unavailablePollenTransportLeavesVertxOnNio() {
        dev.pollen.transport.Transport kqueue = dev.pollen.transport.Transport.pollenTransports().stream()
                .filter(t -> t.name().equals("kqueue")).findFirst().orElseThrow();
        PollenVertxTransport t = PollenVertx.transport(kqueue);
        assertFalse(t.available());
        assertFalse(t.isPollen());
        assertNotEquals(null, t.unavailabilityCause());
        Vertx onNio = Vertx.builder().withTransport(t).build();
        try {
            assertFalse(onNio.isNativeTransportEnabled());
            assertSame(t.unavailabilityCause(), onNio.unavailableNativeTransportCause());
            System.out.println("[unavailable] " + t + " -> Vert.x on NIO: " + onNio.unavailableNativeTransportCause());
        } finally {
            await(onNio.close());
        }
    }
}
