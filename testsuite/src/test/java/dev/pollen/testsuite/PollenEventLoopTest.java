package dev.pollen.testsuite;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ReflectiveChannelFactory;
import io.netty.channel.ServerChannel;
import io.netty.testsuite.transport.AbstractSingleThreadEventLoopTest;

import java.util.concurrent.Executor;

/**
 * Netty's event loop contract (registration counting, graceful shutdown, scheduling, auto-scaling) for the
 * transport's IoHandler. {@code supportsChannelIteration()} stays false: {@code SingleThreadIoEventLoop} itself
 * (Netty, not the transport) does not implement {@code registeredChannelsIterator()}.
 */
class PollenEventLoopTest extends AbstractSingleThreadEventLoopTest {
    @Override
    protected EventLoopGroup newEventLoopGroup() {
        return new MultiThreadIoEventLoopGroup(PollenTransports.current().newIoHandlerFactory());
    }

    @Override
    protected EventLoopGroup newAutoScalingEventLoopGroup() {
        return new MultiThreadIoEventLoopGroup(SCALING_MAX_THREADS, (Executor) null, AUTO_SCALING_CHOOSER_FACTORY,
                PollenTransports.current().newIoHandlerFactory());
    }

    @Override
    protected Channel newChannel() {
        return new ReflectiveChannelFactory<>(PollenTransports.current().socketChannelClass()).newChannel();
    }

    @Override
    protected Class<? extends ServerChannel> serverChannelClass() {
        return PollenTransports.current().serverSocketChannelClass();
    }
}
