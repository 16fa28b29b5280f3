package dev.pollen.grpc;

import dev.pollen.transport.Transport;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A transport that is another one, but records the channels its factories make: connections,
 * listeners, and the connections those listeners accept (seen by a handler at the head of each
 * listener's pipeline, before the bootstrap's acceptor sets them up).
 */
final class RecordingTransport extends Transport {
    final Transport delegate;
    final List<Channel> connected = new CopyOnWriteArrayList<>();
    final List<Channel> listeners = new CopyOnWriteArrayList<>();
    final List<Channel> accepted = new CopyOnWriteArrayList<>();

    RecordingTransport(Transport delegate) {
        this.delegate = delegate;
    }

    private <C extends Channel> C connection(C channel) {
        connected.add(channel);
        return channel;
    }

    private <C extends Channel> C listener(C channel) {
        listeners.add(channel);
        channel.pipeline().addFirst("recorder", new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof Channel) {
                    accepted.add((Channel) msg);
                }
                ctx.fireChannelRead(msg);
            }
        });
        return channel;
    }

    @Override
    public ChannelFactory<? extends SocketChannel> socketChannelFactory() {
        ChannelFactory<? extends SocketChannel> f = delegate.socketChannelFactory();
        return () -> connection(f.newChannel());
    }

    @Override
    public ChannelFactory<? extends ServerSocketChannel> serverSocketChannelFactory() {
        ChannelFactory<? extends ServerSocketChannel> f = delegate.serverSocketChannelFactory();
        return () -> listener(f.newChannel());
    }

    @Override
    public ChannelFactory<? extends DuplexChannel> domainSocketChannelFactory() {
        ChannelFactory<? extends DuplexChannel> f = delegate.domainSocketChannelFactory();
        return () -> connection(f.newChannel());
    }

    @Override
    public ChannelFactory<? extends ServerChannel> serverDomainSocketChannelFactory() {
        ChannelFactory<? extends ServerChannel> f = delegate.serverDomainSocketChannelFactory();
        return () -> listener(f.newChannel());
    }

    /** "connected=[EpollSocketChannel], listeners=[..], accepted=[..]". */
    String describe() {
        return "connected=" + names(connected) + ", listeners=" + names(listeners) + ", accepted=" + names(accepted);
    }

    static List<String> names(List<Channel> channels) {
        return channels.stream().map(c -> c.getClass().getName()).toList();
    }

    // ---------------------------------------------------------------- the rest is the delegate's

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public boolean isPollen() {
        return delegate.isPollen();
    }

    @Override
    public boolean isAvailable() {
        return delegate.isAvailable();
    }

    @Override
    public Throwable unavailabilityCause() {
        return delegate.unavailabilityCause();
    }

    @Override
    public String reason() {
        return delegate.reason();
    }

    @Override
    public IoHandlerFactory ioHandlerFactory() {
        return delegate.ioHandlerFactory();
    }

    @Override
    public Class<? extends IoHandler> ioHandlerClass() {
        return delegate.ioHandlerClass();
    }

    @Override
    public Class<? extends SocketChannel> socketChannelClass() {
        return delegate.socketChannelClass();
    }

    @Override
    public Class<? extends ServerSocketChannel> serverSocketChannelClass() {
        return delegate.serverSocketChannelClass();
    }

    @Override
    public Class<? extends DatagramChannel> datagramChannelClass() {
        return delegate.datagramChannelClass();
    }

    @Override
    public Class<? extends DuplexChannel> domainSocketChannelClass() {
        return delegate.domainSocketChannelClass();
    }

    @Override
    public Class<? extends ServerChannel> serverDomainSocketChannelClass() {
        return delegate.serverDomainSocketChannelClass();
    }

    @Override
    public Class<? extends Channel> domainDatagramChannelClass() {
        return delegate.domainDatagramChannelClass();
    }

    @Override
    public ChannelFactory<? extends DatagramChannel> datagramChannelFactory(SocketProtocolFamily family) {
        return delegate.datagramChannelFactory(family);
    }

    @Override
    public boolean supportsSendfile() {
        return delegate.supportsSendfile();
    }
}
