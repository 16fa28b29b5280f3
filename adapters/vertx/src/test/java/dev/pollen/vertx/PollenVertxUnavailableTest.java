package dev.pollen.vertx;

import io.netty.channel.Channel;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.vertx.core.Vertx;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.net.SocketAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static dev.pollen.vertx.VertxTraffic.assertCarriedBy;
import static dev.pollen.vertx.VertxTraffic.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The adapter where no Pollen transport can load (the {@code pollen-unavailable} execution of
 * adapters/pom.xml runs this class alone with a native work directory under a file, so Pollen's
 * native library cannot be extracted): Vert.x runs on its NIO transport, and the reason is at hand.
 */
class PollenVertxUnavailableTest {
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
        assertEquals(List.of(), warnings.seen(), "Netty warnings");
    }

    @Test
    void fallsBackToNioWithTheReason() {
        System.out.println("[fallback] " + transport);
        assertFalse(transport.isPollen());
        assertEquals("nio", transport.name());
        assertTrue(transport.available());
        assertFalse(transport.pollenTransport().isPollen());
        String reason = transport.reason();
        assertNotNull(reason);
        assertTrue(reason.startsWith("no Pollen transport can be used here"), reason);
        assertTrue(reason.contains("epoll"), reason);
        // Vert.x's own NIO transport: Vert.x behaves as it does without the adapter.
        assertSame(io.vertx.core.transport.Transport.NIO.implementation(), transport.implementation());
        VertxInternal vx = (VertxInternal) vertx;
        assertSame(transport.implementation(), vx.transport());
        assertFalse(vertx.isNativeTransportEnabled());
        assertTrue(((IoEventLoopGroup) vx.nettyEventLoopGroup()).isIoType(NioIoHandler.class));
    }

    @Test
    void httpOnNio() {
        VertxTraffic.Exchange x = VertxTraffic.http("fallback-http", vertx, SocketAddress.inetSocketAddress(0, "127.0.0.1"), 10);
        assertCarriedBy(NioSocketChannel.class, x.client(), vertx);
        for (Channel ch : x.server()) {
            assertCarriedBy(NioSocketChannel.class, ch, vertx);
            assertCarriedBy(NioServerSocketChannel.class, ch.parent(), vertx);
        }
    }

    @Test
    void tcpOnNio() {
        VertxTraffic.Exchange x = VertxTraffic.echo("fallback-tcp", vertx, SocketAddress.inetSocketAddress(0, "127.0.0.1"), 256 * 1024);
        assertCarriedBy(NioSocketChannel.class, x.client(), vertx);
        assertCarriedBy(NioSocketChannel.class, x.server().get(0), vertx);
        assertCarriedBy(NioServerSocketChannel.class, x.server().get(0).parent(), vertx);
    }

    @Test
    void udpOnNio() {
        VertxTraffic.Datagrams d = VertxTraffic.udp("fallback-udp", vertx, new DatagramSocketOptions(), "127.0.0.1", 20);
        assertCarriedBy(NioDatagramChannel.class, d.sender(), vertx);
        assertCarriedBy(NioDatagramChannel.class, d.receiver(), vertx);
    }

    /** Vert.x's NIO transport has Unix domain sockets through the JDK (16+). */
    @Test
    void unixDomainSocketOnNio(@TempDir Path dir) {
        String path = dir.resolve("echo.sock").toString();
        VertxTraffic.Exchange x = VertxTraffic.echo("fallback-uds", vertx, SocketAddress.domainSocketAddress(path), 64 * 1024);
        assertCarriedBy(NioDomainSocketChannel.class, x.client(), vertx);
        assertCarriedBy(NioDomainSocketChannel.class, x.server().get(0), vertx);
        assertCarriedBy(NioServerDomainSocketChannel.class, x.server().get(0).parent(), vertx);
    }
}
