package dev.pollen.channel.wepoll;

import dev.pollen.channel.core.PollenIoHandler;
import io.netty.channel.DefaultSelectStrategyFactory;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.SelectStrategy;
import io.netty.channel.SelectStrategyFactory;
import io.netty.util.concurrent.ThreadAwareExecutor;

/**
 * The wepoll {@link io.netty.channel.IoHandler}: one I/O completion port per loop, one outstanding
 * AFD poll per socket, re-armed on every wait so readiness is level-triggered, woken by a packet
 * posted under a completion key the poller reserves. Use it through {@link #newFactory()}:
 * {@code new MultiThreadIoEventLoopGroup(WepollIoHandler.newFactory())}.
 */
public final class WepollIoHandler extends PollenIoHandler {
    private WepollIoHandler(ThreadAwareExecutor executor, SelectStrategy strategy, int maxEvents) {
        super(WepollNative.INSTANCE, executor, strategy, maxEvents);
    }

    /** A factory of wepoll handlers; throws if the transport is unavailable (see {@link Wepoll}). */
    public static IoHandlerFactory newFactory() {
        return newFactory(0, DefaultSelectStrategyFactory.INSTANCE);
    }

    /**
     * A factory of wepoll handlers driven by a select strategy: a strategy answering
     * {@link SelectStrategy#BUSY_WAIT} makes the loop spin on non-blocking waits instead of sleeping.
     */
    public static IoHandlerFactory newFactory(SelectStrategyFactory strategyFactory) {
        return newFactory(0, strategyFactory);
    }

    /**
     * As {@link #newFactory(SelectStrategyFactory)}, with room for {@code maxEvents} ready events per
     * wait at first (0: the default, 4096); a loop doubles its buffer whenever a wait fills it.
     */
    public static IoHandlerFactory newFactory(int maxEvents, SelectStrategyFactory strategyFactory) {
        Wepoll.ensureAvailability();
        return factory(maxEvents, strategyFactory, WepollIoHandler::new);
    }
}
