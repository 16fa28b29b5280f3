package dev.pollen.testsuite;

import dev.pollen.channel.epoll.Epoll;
import dev.pollen.channel.epoll.EpollIoHandler;
import dev.pollen.channel.epoll.EpollServerSocketChannel;
import dev.pollen.channel.epoll.EpollSocketChannel;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;

/** Pollen's Linux epoll transport ({@code -Dpollen.testsuite.transport=epoll}). */
final class EpollTransportPermutation implements PollenTransportPermutation {

    @Override
    public String name() {
        return "epoll";
    }

    @Override
    public void ensureAvailability() {
        Epoll.ensureAvailability();
    }

    @Override
    public IoHandlerFactory newIoHandlerFactory() {
        return EpollIoHandler.newFactory();
    }

    @Override
    public Class<? extends SocketChannel> socketChannelClass() {
        return EpollSocketChannel.class;
    }

    @Override
    public Class<? extends ServerSocketChannel> serverSocketChannelClass() {
        return EpollServerSocketChannel.class;
    }
}
