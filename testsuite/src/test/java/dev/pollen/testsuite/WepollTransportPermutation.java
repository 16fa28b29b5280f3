package dev.pollen.testsuite;

import dev.pollen.channel.wepoll.Wepoll;
import dev.pollen.channel.wepoll.WepollDatagramChannel;
import dev.pollen.channel.wepoll.WepollIoHandler;
import dev.pollen.channel.wepoll.WepollServerSocketChannel;
import dev.pollen.channel.wepoll.WepollSocketChannel;
import io.netty.channel.DefaultSelectStrategyFactory;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;

/**
 * Pollen's wepoll transport ({@code -Dpollen.testsuite.transport=wepoll}): TCP and UDP; on Linux through the
 * test-only library over epoll ({@code -Dpollen.wepoll.emulation=true}, set by the testsuite-wepoll execution).
 */
final class WepollTransportPermutation implements PollenTransportPermutation {

    @Override
    public String name() {
        return "wepoll";
    }

    @Override
    public void ensureAvailability() {
        Wepoll.ensureAvailability();
    }

    @Override
    public IoHandlerFactory newIoHandlerFactory(int maxEvents) {
        return WepollIoHandler.newFactory(maxEvents, DefaultSelectStrategyFactory.INSTANCE);
    }

    @Override
    public Class<? extends SocketChannel> socketChannelClass() {
        return WepollSocketChannel.class;
    }

    @Override
    public Class<? extends ServerSocketChannel> serverSocketChannelClass() {
        return WepollServerSocketChannel.class;
    }

    @Override
    public Class<? extends DatagramChannel> datagramChannelClass() {
        return WepollDatagramChannel.class;
    }
}
