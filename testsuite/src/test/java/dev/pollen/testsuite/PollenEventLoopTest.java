package dev.pollen.testsuite;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ReflectiveChannelFactory;
import io.netty.channel.ServerChannel;
import io.netty.testsuite.transport.AbstractSingleThreadEventLoopTest;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

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

    // The three channel-iteration cases can run for no IoHandler transport (see above). Netty's
    // versions skip themselves through an assumption, but inside a 3-second @Timeout, so a JVM held
    // up that long on a busy machine turns the skip into a TimeoutException. Disabled statically
    // instead: the same three skips, with no timer around them.
    private static final String NO_ITERATOR = "SingleThreadIoEventLoop has no registeredChannelsIterator()";

    @Test
    @Disabled(NO_ITERATOR)
    @Override
    public void testChannelsIteratorEmpty() {
    }

    @Test
    @Disabled(NO_ITERATOR)
    @Override
    public void testChannelsIterator() {
    }

    @Test
    @Disabled(NO_ITERATOR)
    @Override
    public void testChannelsIteratorRemoveThrows() {
    }
}
