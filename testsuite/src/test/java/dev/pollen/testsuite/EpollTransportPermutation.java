package dev.pollen.testsuite;

import dev.pollen.channel.epoll.Epoll;
import dev.pollen.channel.epoll.EpollDatagramChannel;
import dev.pollen.channel.epoll.EpollDomainDatagramChannel;
import dev.pollen.channel.epoll.EpollDomainSocketChannel;
import dev.pollen.channel.epoll.EpollIoHandler;
import dev.pollen.channel.epoll.EpollServerDomainSocketChannel;
import dev.pollen.channel.epoll.EpollServerSocketChannel;
import dev.pollen.channel.epoll.EpollSocketChannel;
import io.netty.channel.Channel;
import io.netty.channel.DefaultSelectStrategyFactory;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.DatagramChannel;
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
    public IoHandlerFactory newIoHandlerFactory(int maxEvents) {
        return EpollIoHandler.newFactory(maxEvents, DefaultSelectStrategyFactory.INSTANCE);
    }

    @Override
    public Class<? extends SocketChannel> socketChannelClass() {
        return EpollSocketChannel.class;
    }

    @Override
    public Class<? extends ServerSocketChannel> serverSocketChannelClass() {
        return EpollServerSocketChannel.class;
    }

    @Override
    public Class<? extends DatagramChannel> datagramChannelClass() {
        return EpollDatagramChannel.class;
    }

    @Override
    public Class<? extends Channel> domainSocketChannelClass() {
        return EpollDomainSocketChannel.class;
    }

    @Override
    public Class<? extends ServerChannel> serverDomainSocketChannelClass() {
        return EpollServerDomainSocketChannel.class;
    }

    @Override
    public Class<? extends Channel> domainDatagramChannelClass() {
        return EpollDomainDatagramChannel.class;
    }
}
