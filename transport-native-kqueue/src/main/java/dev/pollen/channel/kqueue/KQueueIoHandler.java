package dev.pollen.channel.kqueue;

import dev.pollen.channel.core.PollenIoHandler;
import io.netty.channel.DefaultSelectStrategyFactory;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.SelectStrategy;
import io.netty.channel.SelectStrategyFactory;
import io.netty.util.internal.ObjectUtil;
import io.netty.util.concurrent.ThreadAwareExecutor;

/**
 * The kqueue {@link io.netty.channel.IoHandler}: level-triggered EVFILT_READ / EVFILT_WRITE
 * filters, interest changes batched into the next kevent() call, woken through an EVFILT_USER
 * event, nanosecond timeouts. Use it through {@link #newFactory()}:
 * {@code new MultiThreadIoEventLoopGroup(KQueueIoHandler.newFactory())}.
 */
public final class KQueueIoHandler extends PollenIoHandler {
    private KQueueIoHandler(ThreadAwareExecutor executor, SelectStrategy strategy) {
        super(KQueueNative.INSTANCE, executor, strategy);
    }

    /** A factory of kqueue handlers; throws if the transport is unavailable (see {@link KQueue}). */
    public static IoHandlerFactory newFactory() {
        return newFactory(DefaultSelectStrategyFactory.INSTANCE);
    }

    /**
     * A factory of kqueue handlers driven by a select strategy: a strategy answering
     * {@link SelectStrategy#BUSY_WAIT} makes the loop spin on non-blocking waits instead of sleeping.
     */
    public static IoHandlerFactory newFactory(SelectStrategyFactory strategyFactory) {
        KQueue.ensureAvailability();
        ObjectUtil.checkNotNull(strategyFactory, "strategyFactory");
        return new IoHandlerFactory() {
            @Override
            public KQueueIoHandler newHandler(ThreadAwareExecutor executor) {
                return new KQueueIoHandler(executor, strategyFactory.newSelectStrategy());
            }

            @Override
            public boolean isChangingThreadSupported() {
                return true;
            }
        };
    }
}
