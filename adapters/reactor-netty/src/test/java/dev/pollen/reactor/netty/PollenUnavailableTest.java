package dev.pollen.reactor.netty;

import dev.pollen.transport.Transport;
import io.netty.channel.Channel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;

import java.time.Duration;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs in a JVM where no Pollen transport can load (its own surefire execution makes the native library
 * impossible to extract): the same resources fall back to NIO and say why.
 */
class PollenUnavailableTest {
    @Test
    void fallsBackToNioWithTheReason() {
        for (Transport t : Transport.pollenTransports()) {
            assertFalse(t.isAvailable(), t + " must be unavailable in this JVM");
        }
        PollenLoopResources loops = PollenLoopResources.create("fallback", -1, 1, true);
        try {
            Transport t = loops.transport();
            assertEquals("nio", t.name());
            assertTrue(t.reason().contains("no Pollen transport can be used here") && t.reason().contains("epoll"),
                    t.reason());
            Queue<Channel> server = new ConcurrentLinkedQueue<>();
            Queue<Channel> client = new ConcurrentLinkedQueue<>();
            DisposableServer http = HttpServer.create().host("127.0.0.1").port(0).runOn(loops)
                    .doOnConnection(c -> server.add(c.channel()))
                    .handle((req, res) -> res.sendString(Mono.just("on nio"))).bindNow(Duration.ofSeconds(60));
            try {
                assertEquals("on nio", HttpClient.create().runOn(loops).doOnConnected(c -> client.add(c.channel()))
                        .get().uri("http://127.0.0.1:" + http.port() + "/").responseContent().aggregate().asString()
                        .block(Duration.ofSeconds(60)));
                assertSame(NioServerSocketChannel.class, http.channel().getClass());
                assertEquals(Set.of(NioSocketChannel.class), server.stream().map(Object::getClass).collect(Collectors.toSet()));
                assertEquals(Set.of(NioSocketChannel.class), client.stream().map(Object::getClass).collect(Collectors.toSet()));
                System.out.println("[reactor-netty] fallback: " + t + " carried HTTP on " + NioSocketChannel.class.getName());
            } finally {
                http.disposeNow(Duration.ofSeconds(60));
            }
        } finally {
            loops.disposeLater(Duration.ZERO, Duration.ofSeconds(60)).block(Duration.ofSeconds(60));
        }
    }
}
