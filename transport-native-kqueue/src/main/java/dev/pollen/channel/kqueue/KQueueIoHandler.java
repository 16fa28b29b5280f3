package dev.pollen.channel.kqueue;

import dev.pollen.channel.core.PollenIoHandler;
import io.netty.channel.DefaultSelectStrategyFactory;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.SelectStrategy;
import io.netty.channel.SelectStrategyFactory;
import io.netty.util.concurrent.ThreadAwareExecutor;

/**
 * The kqueue {@link io.netty.channel.IoHandler}: level-triggered EVFILT_READ / EVFILT_WRITE
 * filters, interest changes batched into the next kevent() call, woken through an EVFILT_USER
 * event, nanosecond timeouts. Use it through {@link #newFactory()}:
 * {@code new MultiThreadIoEventLoopGroup(KQueueIoHandler.newFactory())}.
 */
public final class KQueueIoHandler extends PollenIoHandler {
    private KQueueIoHandler(ThreadAwareExecutor executor, SelectStrategy strategy, int maxEvents) {
        super(KQueueNative.INSTANCE, executor, strategy, maxEvents);
    }

    /** A factory of kqueue handlers; throws if the transport is unavailable (see {@link KQueue}). */
    public static IoHandlerFactory newFactory() {
        return newFactory(0, DefaultSelectStrategyFactory.INSTANCE);
    }

    /**
     * A factory of kqueue handlers driven by a select strategy: a strategy answering
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
        KQueue.ensureAvailability();
        return factory(maxEvents, strategyFactory, KQueueIoHandler::new);
    }
}
