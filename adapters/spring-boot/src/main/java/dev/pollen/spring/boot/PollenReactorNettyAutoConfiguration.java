package dev.pollen.spring.boot;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.reactor.netty.autoconfigure.ReactorNettyProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.http.client.ReactorResourceFactory;
import reactor.netty.http.HttpResources;

/**
 * Puts Reactor Netty under Spring Boot on Pollen: declares the {@link ReactorResourceFactory} that Boot's
 * WebFlux server, its WebClient connector (and RSocket) take their event loops from, before Boot declares
 * its own. It keeps Boot's model, Reactor Netty's global {@link HttpResources}, and puts them on
 * {@link dev.pollen.reactor.netty.PollenLoopResources}, so a {@code WebClient.create()} outside Boot's
 * builder runs on Pollen too; {@code spring.reactor.netty.shutdown-quiet-period} is honoured.
 * <p>
 * {@code pollen.enabled=false} turns it off (Boot's own resources come back); {@code -Dpollen.transport=nio}
 * keeps the wiring but forces NIO. An application that declares its own {@code ReactorResourceFactory}
 * keeps it.
 */
@AutoConfiguration(beforeName = {
        "org.springframework.boot.reactor.netty.autoconfigure.NettyReactiveWebServerAutoConfiguration",
        "org.springframework.boot.http.client.autoconfigure.reactive.ReactiveHttpClientAutoConfiguration"})
@ConditionalOnClass({ReactorResourceFactory.class, HttpResources.class, ReactorNettyProperties.class})
@ConditionalOnProperty(prefix = "pollen", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(ReactorNettyProperties.class)
public class PollenReactorNettyAutoConfiguration {
    @Bean
    @ConditionalOnMissingBean
    ReactorResourceFactory reactorResourceFactory(ReactorNettyProperties properties) {
        ReactorResourceFactory factory = new PollenReactorResourceFactory();
        if (properties.getShutdownQuietPeriod() != null) {
            factory.setShutdownQuietPeriod(properties.getShutdownQuietPeriod());
        }
        return factory;
    }
}
