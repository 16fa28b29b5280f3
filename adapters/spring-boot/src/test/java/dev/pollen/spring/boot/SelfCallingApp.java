package dev.pollen.spring.boot;

import io.netty.channel.Channel;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.http.client.autoconfigure.reactive.ClientHttpConnectorBuilderCustomizer;
import org.springframework.boot.http.client.reactive.ReactorClientHttpConnectorBuilder;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A small WebFlux application, as a user writes it: one endpoint. The two customizer beans only record
 * the Netty channels the server accepted and the WebClient opened, for the tests to look at.
 */
@SpringBootApplication(proxyBeanMethods = false)
public class SelfCallingApp {
    static final Queue<Channel> SERVER_CHANNELS = new ConcurrentLinkedQueue<>();
    static final Queue<Channel> CLIENT_CHANNELS = new ConcurrentLinkedQueue<>();

    /** Starts the application on a free port, as {@code SpringApplication.run} does, with {@code properties}. */
    static ConfigurableApplicationContext start(String... properties) {
        SERVER_CHANNELS.clear();
        CLIENT_CHANNELS.clear();
        return new SpringApplicationBuilder(SelfCallingApp.class).properties("server.port=0",
                "spring.main.banner-mode=off").properties(properties).run();
    }

    static int port(ConfigurableApplicationContext ctx) {
        return ((WebServerApplicationContext) ctx).getWebServer().getPort();
    }

    @Bean
    NettyServerCustomizer recordServerChannels() {
        return server -> server.doOnConnection(c -> SERVER_CHANNELS.add(c.channel()));
    }

    @Bean
    ClientHttpConnectorBuilderCustomizer<ReactorClientHttpConnectorBuilder> recordClientChannels() {
        return builder -> builder.withHttpClientCustomizer(
                client -> client.doOnConnected(c -> CLIENT_CHANNELS.add(c.channel())));
    }

    @RestController
    static class Hello {
        @GetMapping("/hello")
        Mono<String> hello(@RequestParam("name") String name) {
            return Mono.fromSupplier(() -> "hello " + name + " from " + Thread.currentThread().getName());
        }
    }
}
