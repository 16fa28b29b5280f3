package dev.pollen.transport;

import dev.pollen.channel.core.NativeLibrary;
import dev.pollen.channel.core.PollerBackend;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;

import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A Pollen transport, declared by its jar from its classes (SPI: each transport module has one
 * subclass; users get instances from {@link Transport#select()} and its siblings).
 */
public abstract class PollenTransport extends Transport {
    private final String name;
    private final Supplier<IoHandlerFactory> factory;
    private final Class<? extends IoHandler> handler;
    private final Class<? extends SocketChannel> socket;
    private final Class<? extends ServerSocketChannel> server;
    private final Class<? extends DatagramChannel> datagram;
    private final Function<SocketProtocolFamily, ? extends DatagramChannel> datagramOfFamily;
    private final Class<? extends DuplexChannel> domain;
    private final Class<? extends ServerChannel> serverDomain;
    private final Class<? extends Channel> domainDatagram;
    private final boolean sendfile;

    /** Domain classes are null where the transport has none. */
    protected PollenTransport(String name, Supplier<IoHandlerFactory> factory, Class<? extends IoHandler> handler,
                              Class<? extends SocketChannel> socket, Class<? extends ServerSocketChannel> server,
                              Class<? extends DatagramChannel> datagram,
                              Function<SocketProtocolFamily, ? extends DatagramChannel> datagramOfFamily,
                              Class<? extends DuplexChannel> domain, Class<? extends ServerChannel> serverDomain,
                              Class<? extends Channel> domainDatagram, boolean sendfile) {
        this.name = name;
        this.factory = factory;
        this.handler = handler;
        this.socket = socket;
        this.server = server;
        this.datagram = datagram;
        this.datagramOfFamily = datagramOfFamily;
        this.domain = domain;
        this.serverDomain = serverDomain;
        this.domainDatagram = domainDatagram;
        this.sendfile = sendfile;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final boolean isPollen() {
        return true;
    }

    @Override
    public final boolean isAvailable() {
        return unavailabilityCause() == null;
    }

    /** @throws UnsatisfiedLinkError with the cause if this transport cannot be used here */
    @Override
    public final IoHandlerFactory ioHandlerFactory() {
        return factory.get();
    }

    @Override
    public final Class<? extends IoHandler> ioHandlerClass() {
        return handler;
    }

    @Override
    public final Class<? extends SocketChannel> socketChannelClass() {
        return socket;
    }

    @Override
    public final Class<? extends ServerSocketChannel> serverSocketChannelClass() {
        return server;
    }

    @Override
    public final Class<? extends DatagramChannel> datagramChannelClass() {
        return datagram;
    }

    @Override
    public final Class<? extends DuplexChannel> domainSocketChannelClass() {
        return domain;
    }

    @Override
    public final Class<? extends ServerChannel> serverDomainSocketChannelClass() {
        return serverDomain;
    }

    @Override
    public final Class<? extends Channel> domainDatagramChannelClass() {
        return domainDatagram;
    }

    @Override
    public final ChannelFactory<? extends DatagramChannel> datagramChannelFactory(SocketProtocolFamily family) {
        return family == null ? datagramChannelFactory() : () -> datagramOfFamily.apply(family);
    }

    @Override
    public final boolean supportsSendfile() {
        return sendfile;
    }

    /**
     * This transport's binding of the poller contract, for {@code dev.pollen.poller.Poller}.
     *
     * @throws UnsatisfiedLinkError with the cause if this transport cannot be used here
     */
    public final PollerBackend pollerBackend() {
        NativeLibrary.ensureAvailable(name, unavailabilityCause());
        return backend();
    }

    /** The transport's {@link PollerBackend}; called only once the transport is known to be available. */
    protected abstract PollerBackend backend();
}
