package dev.pollen.spring.boot;

import dev.pollen.reactor.netty.PollenLoopResources;
import org.springframework.http.client.ReactorResourceFactory;
import reactor.netty.http.HttpResources;

/**
 * A {@link ReactorResourceFactory} whose event loops are Pollen's: Reactor Netty's global
 * {@link HttpResources} get {@link PollenLoopResources} each time the factory starts (the default), or,
 * with {@code setUseGlobalResources(false)}, the factory makes its own.
 */
public class PollenReactorResourceFactory extends ReactorResourceFactory {
    /** The thread name prefix, as Spring's default resources use. */
    static final String PREFIX = "webflux-http";

    public PollenReactorResourceFactory() {
        setLoopResourcesSupplier(() -> PollenLoopResources.create(PREFIX));
    }

    @Override
    public void start() {
        if (isUseGlobalResources() && !isRunning()) {
            HttpResources.set(PollenLoopResources.create(PREFIX));
        }
        super.start();
    }
}
