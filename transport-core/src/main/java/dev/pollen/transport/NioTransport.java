package dev.pollen.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/** Netty's NIO transport, the fallback on every OS: domain stream sockets through the JDK, no domain datagrams. */
final class NioTransport extends Transport {
    @Override
    public String name() {
        return "nio";
    }

    @Override
    public boolean isPollen() {
        return false;
    }

    @Override
    public boolean isAvailable() {
        return true;
    }

    @Override
    public Throwable unavailabilityCause() {
        return null;
    }

    @Override
    public IoHandlerFactory ioHandlerFactory() {
        return NioIoHandler.newFactory();
    }

    @Override
    public Class<? extends IoHandler> ioHandlerClass() {
        return NioIoHandler.class;
    }

    @Override
    public Class<? extends SocketChannel> socketChannelClass() {
        return NioSocketChannel.class;
    }

    @Override
    public Class<? extends ServerSocketChannel> serverSocketChannelClass() {
        return NioServerSocketChannel.class;
    }

    @Override
    public Class<? extends DatagramChannel> datagramChannelClass() {
        return NioDatagramChannel.class;
    }

    @Override
    public Class<? extends DuplexChannel> domainSocketChannelClass() {
        return NioDomainSocketChannel.class;
    }

    @Override
    public Class<? extends ServerChannel> serverDomainSocketChannelClass() {
        return NioServerDomainSocketChannel.class;
    }

    @Override
    public Class<? extends Channel> domainDatagramChannelClass() {
        return null;
    }

    @Override
    public ChannelFactory<? extends DatagramChannel> datagramChannelFactory(SocketProtocolFamily family) {
        return family == null ? datagramChannelFactory() : () -> new NioDatagramChannel(family);
    }

    @Override
    public boolean supportsSendfile() {
        return true; // FileChannel.transferTo
    }
}
