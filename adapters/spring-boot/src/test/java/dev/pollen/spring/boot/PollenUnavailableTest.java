package dev.pollen.spring.boot;

import dev.pollen.transport.Transport;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.reactive.function.client.WebClient;

import java.time.Duration;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** In a JVM where no Pollen transport loads (see the pom), the same application runs on NIO. */
class PollenUnavailableTest {
    @Test
    void theApplicationRunsOnNio() {
        for (Transport t : Transport.pollenTransports()) {
            assertFalse(t.isAvailable(), t + " must be unavailable in this JVM");
        }
        try (ConfigurableApplicationContext ctx = SelfCallingApp.start()) {
            String answer = ctx.getBean(WebClient.Builder.class).build().get()
                    .uri("http://127.0.0.1:" + SelfCallingApp.port(ctx) + "/hello?name=nio").retrieve()
                    .bodyToMono(String.class).block(Duration.ofSeconds(60));
            assertTrue(answer.startsWith("hello nio from " + PollenReactorResourceFactory.PREFIX + "-nio-"), answer);
            assertEquals(Set.of(NioSocketChannel.class), PollenAutoConfigurationTest.classes(SelfCallingApp.SERVER_CHANNELS));
            assertEquals(Set.of(NioSocketChannel.class), PollenAutoConfigurationTest.classes(SelfCallingApp.CLIENT_CHANNELS));
            System.out.println("[spring-boot] fallback: " + Transport.select() + "; server and WebClient on "
                    + NioSocketChannel.class.getName());
        }
    }
}
