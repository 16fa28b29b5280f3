package dev.pollen.channel.epoll;

import dev.pollen.channel.core.PollenIoHandler;
import io.netty.channel.IoHandlerFactory;
import io.netty.util.concurrent.ThreadAwareExecutor;

/**
 * The epoll {@link io.netty.channel.IoHandler}: level-triggered, woken through an eventfd, with
 * nanosecond timeouts where the kernel has epoll_pwait2. Use it through {@link #newFactory()}:
 * {@code new MultiThreadIoEventLoopGroup(EpollIoHandler.newFactory())}.
 */
public final class EpollIoHandler extends PollenIoHandler {
    private EpollIoHandler(ThreadAwareExecutor executor) {
        super(EpollNative.INSTANCE, executor);
    }

    /** A factory of epoll handlers; throws if the transport is unavailable (see {@link Epoll}). */
    public static IoHandlerFactory newFactory() {
        Epoll.ensureAvailability();
        return new IoHandlerFactory() {
            @Override
            public EpollIoHandler newHandler(ThreadAwareExecutor executor) {
                return new EpollIoHandler(executor);
            }

            @Override
            public boolean isChangingThreadSupported() {
                return true;
            }
        };
    }
}
