package dev.pollen.spring.boot;

import dev.pollen.transport.Transport;
import io.netty.channel.Channel;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.netty.http.HttpResources;

import java.time.Duration;
import java.util.Collection;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Spring Boot WebFlux application serving and calling itself, with this jar on its class path and
 * nothing else changed: the server, Boot's WebClient and a plain {@code WebClient.create()} all run on
 * Pollen; {@code pollen.enabled=false} gives Boot's own resources back.
 */
class PollenAutoConfigurationTest {
    static final Duration DEADLINE = Duration.ofSeconds(60);

    static Set<Class<?>> classes(Collection<Channel> channels) {
        return channels.stream().map(Object::getClass).collect(Collectors.toSet());
    }

    @Test
    void webFluxServerAndWebClientRunOnPollen() {
        Transport pollen = Transport.require();
        String loopThread = PollenReactorResourceFactory.PREFIX + "-" + pollen.name() + "-";
        try (ConfigurableApplicationContext ctx = SelfCallingApp.start()) {
            assertSame(PollenReactorResourceFactory.class, ctx.getBean(ReactorResourceFactory.class).getClass());
            String base = "http://127.0.0.1:" + SelfCallingApp.port(ctx);
            // Boot's WebClient.Builder: the connector Boot configures from the ReactorResourceFactory.
            WebClient boot = ctx.getBean(WebClient.Builder.class).baseUrl(base).build();
            for (int i = 0; i < 20; i++) {
                String answer = boot.get().uri("/hello?name=boot" + i).retrieve().bodyToMono(String.class)
                        .block(DEADLINE);
                assertTrue(answer.startsWith("hello boot" + i + " from " + loopThread), answer);
            }
            // A WebClient made outside Boot uses Reactor Netty's global resources, which are Pollen's too.
            String clientThread = WebClient.create(base).get().uri("/hello?name=plain").retrieve()
                    .bodyToMono(String.class).map(body -> body + " | client " + Thread.currentThread().getName())
                    .block(DEADLINE);
            assertTrue(clientThread.contains("| client " + loopThread), clientThread);
            assertTrue(pollen.isCompatible(HttpResources.get().onServer(true)));

            assertEquals(Set.of(pollen.socketChannelClass()), classes(SelfCallingApp.SERVER_CHANNELS));
            assertEquals(Set.of(pollen.socketChannelClass()), classes(SelfCallingApp.CLIENT_CHANNELS));
            System.out.println("[spring-boot] 21 GETs; server channels " + classes(SelfCallingApp.SERVER_CHANNELS)
                    + ", WebClient channels " + classes(SelfCallingApp.CLIENT_CHANNELS) + "; " + clientThread);
        }
    }

    @Test
    void pollenEnabledFalseLeavesBootsOwnResources() {
        try (ConfigurableApplicationContext ctx = SelfCallingApp.start("pollen.enabled=false")) {
            assertSame(ReactorResourceFactory.class, ctx.getBean(ReactorResourceFactory.class).getClass());
            String answer = ctx.getBean(WebClient.Builder.class).build().get()
                    .uri("http://127.0.0.1:" + SelfCallingApp.port(ctx) + "/hello?name=off").retrieve()
                    .bodyToMono(String.class).block(DEADLINE);
            assertTrue(answer.startsWith("hello off from "), answer);
            assertFalse(answer.contains(PollenReactorResourceFactory.PREFIX + "-" + Transport.require().name() + "-"),
                    answer);
            Set<Class<?>> server = classes(SelfCallingApp.SERVER_CHANNELS);
            assertFalse(server.isEmpty());
            assertTrue(server.stream().noneMatch(c -> c.getName().startsWith("dev.pollen.")), server.toString());
            System.out.println("[spring-boot] pollen.enabled=false: server channels " + server);
        }
    }
}
