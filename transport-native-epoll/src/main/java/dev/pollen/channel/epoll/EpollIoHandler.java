package dev.pollen.channel.epoll;

import dev.pollen.channel.core.PollenIoHandler;
import io.netty.channel.DefaultSelectStrategyFactory;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.SelectStrategy;
import io.netty.channel.SelectStrategyFactory;
import io.netty.util.concurrent.ThreadAwareExecutor;

/**
 * The epoll {@link io.netty.channel.IoHandler}: level-triggered, woken through an eventfd, with
 * nanosecond timeouts where the kernel has epoll_pwait2, and the writes held during a batch of
 * ready events made in one io_uring submission where the kernel allows it (see
 * {@link Epoll#IO_URING_PROPERTY}). Use it through {@link #newFactory()}:
 * {@code new MultiThreadIoEventLoopGroup(EpollIoHandler.newFactory())}.
 */
public final class EpollIoHandler extends PollenIoHandler {
    private EpollIoHandler(ThreadAwareExecutor executor, SelectStrategy strategy, int maxEvents) {
        super(EpollNative.INSTANCE, executor, strategy, maxEvents);
    }

    /** A factory of epoll handlers; throws if the transport is unavailable (see {@link Epoll}). */
    public static IoHandlerFactory newFactory() {
        return newFactory(0, DefaultSelectStrategyFactory.INSTANCE);
    }

    /**
     * A factory of epoll handlers driven by a select strategy: a strategy answering
     * {@link SelectStrategy#BUSY_WAIT} makes the loop spin on non-blocking waits (pair it with
     * {@code EpollChannelOption.SO_BUSY_POLL}) instead of sleeping.
     */
    public static IoHandlerFactory newFactory(SelectStrategyFactory strategyFactory) {
        return newFactory(0, strategyFactory);
    }

    /**
     * As {@link #newFactory(SelectStrategyFactory)}, with room for {@code maxEvents} ready events per
     * wait at first (0: the default, 4096); a loop doubles its buffer whenever a wait fills it.
     */
    public static IoHandlerFactory newFactory(int maxEvents, SelectStrategyFactory strategyFactory) {
        Epoll.ensureAvailability();
        Epoll.checkIoUringMode();
        return factory(maxEvents, strategyFactory, EpollIoHandler::new);
    }
}
