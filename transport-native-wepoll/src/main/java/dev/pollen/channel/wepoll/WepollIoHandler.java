package dev.pollen.channel.wepoll;

import dev.pollen.channel.core.PollenIoHandler;
import io.netty.channel.DefaultSelectStrategyFactory;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.SelectStrategy;
import io.netty.channel.SelectStrategyFactory;
import io.netty.util.concurrent.ThreadAwareExecutor;
import io.netty.util.internal.ObjectUtil;

/**
 * The wepoll {@link io.netty.channel.IoHandler}: one I/O completion port per loop, one outstanding
 * AFD poll per socket, re-armed on every wait so readiness is level-triggered, woken by a packet
 * posted under a completion key the poller reserves. Use it through {@link #newFactory()}:
 * {@code new MultiThreadIoEventLoopGroup(WepollIoHandler.newFactory())}.
 */
public final class WepollIoHandler extends PollenIoHandler {
    private WepollIoHandler(ThreadAwareExecutor executor, SelectStrategy strategy) {
        super(WepollNative.INSTANCE, executor, strategy);
    }

    /** A factory of wepoll handlers; throws if the transport is unavailable (see {@link Wepoll}). */
    public static IoHandlerFactory newFactory() {
        return newFactory(DefaultSelectStrategyFactory.INSTANCE);
    }

    /**
     * A factory of wepoll handlers driven by a select strategy: a strategy answering
     * {@link SelectStrategy#BUSY_WAIT} makes the loop spin on non-blocking waits instead of sleeping.
     */
    public static IoHandlerFactory newFactory(SelectStrategyFactory strategyFactory) {
        Wepoll.ensureAvailability();
        ObjectUtil.checkNotNull(strategyFactory, "strategyFactory");
        return new IoHandlerFactory() {
            @Override
            public WepollIoHandler newHandler(ThreadAwareExecutor executor) {
                return new WepollIoHandler(executor, strategyFactory.newSelectStrategy());
            }

            @Override
            public boolean isChangingThreadSupported() {
                return true;
            }
        };
    }
}
