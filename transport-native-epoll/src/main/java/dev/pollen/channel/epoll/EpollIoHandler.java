package dev.pollen.channel.epoll;

import dev.pollen.channel.core.PollenIoHandler;
import io.netty.channel.DefaultSelectStrategyFactory;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.SelectStrategy;
import io.netty.channel.SelectStrategyFactory;
import io.netty.util.internal.ObjectUtil;
import io.netty.util.concurrent.ThreadAwareExecutor;

/**
 * The epoll {@link io.netty.channel.IoHandler}: level-triggered, woken through an eventfd, with
 * nanosecond timeouts where the kernel has epoll_pwait2. Use it through {@link #newFactory()}:
 * {@code new MultiThreadIoEventLoopGroup(EpollIoHandler.newFactory())}.
 */
public final class EpollIoHandler extends PollenIoHandler {
    private EpollIoHandler(ThreadAwareExecutor executor, SelectStrategy strategy) {
        super(EpollNative.INSTANCE, executor, strategy);
    }

    /** A factory of epoll handlers; throws if the transport is unavailable (see {@link Epoll}). */
    public static IoHandlerFactory newFactory() {
        return newFactory(DefaultSelectStrategyFactory.INSTANCE);
    }

    /**
     * A factory of epoll handlers driven by a select strategy: a strategy answering
     * {@link SelectStrategy#BUSY_WAIT} makes the loop spin on non-blocking waits (pair it with
     * {@code EpollChannelOption.SO_BUSY_POLL}) instead of sleeping.
     */
    public static IoHandlerFactory newFactory(SelectStrategyFactory strategyFactory) {
        Epoll.ensureAvailability();
        ObjectUtil.checkNotNull(strategyFactory, "strategyFactory");
        return new IoHandlerFactory() {
            @Override
            public EpollIoHandler newHandler(ThreadAwareExecutor executor) {
                return new EpollIoHandler(executor, strategyFactory.newSelectStrategy());
            }

            @Override
            public boolean isChangingThreadSupported() {
                return true;
            }
        };
    }
}
