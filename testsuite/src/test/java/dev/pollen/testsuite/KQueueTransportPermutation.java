package dev.pollen.testsuite;

import dev.pollen.channel.kqueue.KQueue;
import dev.pollen.channel.kqueue.KQueueDatagramChannel;
import dev.pollen.channel.kqueue.KQueueDomainDatagramChannel;
import dev.pollen.channel.kqueue.KQueueDomainSocketChannel;
import dev.pollen.channel.kqueue.KQueueIoHandler;
import dev.pollen.channel.kqueue.KQueueServerDomainSocketChannel;
import dev.pollen.channel.kqueue.KQueueServerSocketChannel;
import dev.pollen.channel.kqueue.KQueueSocketChannel;
import io.netty.channel.Channel;
import io.netty.channel.DefaultSelectStrategyFactory;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;

/**
 * Pollen's kqueue transport ({@code -Dpollen.testsuite.transport=kqueue}); on Linux through the test-only
 * kqueue emulation ({@code -Dpollen.kqueue.emulation=true}, set by the testsuite-kqueue executions).
 */
final class KQueueTransportPermutation implements PollenTransportPermutation {

    @Override
    public String name() {
        return "kqueue";
    }

    @Override
    public void ensureAvailability() {
        KQueue.ensureAvailability();
    }

    @Override
    public IoHandlerFactory newIoHandlerFactory(int maxEvents) {
        return KQueueIoHandler.newFactory(maxEvents, DefaultSelectStrategyFactory.INSTANCE);
    }

    @Override
    public Class<? extends SocketChannel> socketChannelClass() {
        return KQueueSocketChannel.class;
    }

    @Override
    public Class<? extends ServerSocketChannel> serverSocketChannelClass() {
        return KQueueServerSocketChannel.class;
    }

    @Override
    public Class<? extends DatagramChannel> datagramChannelClass() {
        return KQueueDatagramChannel.class;
    }

    @Override
    public Class<? extends Channel> domainSocketChannelClass() {
        return KQueueDomainSocketChannel.class;
    }

    @Override
    public Class<? extends ServerChannel> serverDomainSocketChannelClass() {
        return KQueueServerDomainSocketChannel.class;
    }

    @Override
    public Class<? extends Channel> domainDatagramChannelClass() {
        return KQueueDomainDatagramChannel.class;
    }
}
