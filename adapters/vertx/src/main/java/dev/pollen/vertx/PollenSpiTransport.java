package dev.pollen.vertx;

import dev.pollen.channel.PollenChannelOption;
import dev.pollen.channel.epoll.EpollChannelOption;
import dev.pollen.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelOption;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramChannelConfig;
import io.netty.channel.socket.InternetProtocolFamily;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.net.ClientOptionsBase;
import io.vertx.core.net.NetServerOptions;

import java.net.NetworkInterface;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.UnixDomainSocketAddress;

/**
 * Vert.x 5.0's transport SPI on a Pollen transport. Unix domain addresses are
 * {@link UnixDomainSocketAddress}es both ways (Pollen's channels bind and connect to them and report
 * them), so nothing of Netty's {@code io.netty.channel.unix} is involved.
 */
final class PollenSpiTransport implements io.vertx.core.spi.transport.Transport {
    /** Pending TCP fast open requests a listener allows: Vert.x's default for Netty's epoll. */
    static final int FAST_OPEN_QUEUE = 256;

    private final Transport transport;
    /** Linux's TCP options (TCP_QUICKACK, TCP_CORK, TCP_FASTOPEN, TCP_USER_TIMEOUT): epoll only. */
    private final boolean linuxTcp;
    /** SO_REUSEPORT: epoll and kqueue (Windows has none). */
    private final boolean reusePort;
    /** Data with the SYN on connect: epoll, and kqueue through connectx(2) where macOS has it. */
    private final boolean fastOpenConnect;

    PollenSpiTransport(Transport transport) {
        this.transport = transport;
        String name = transport.name();
        this.linuxTcp = "epoll".equals(name);
        this.reusePort = linuxTcp || "kqueue".equals(name);
        this.fastOpenConnect = reusePort;
    }

    @Override
    public boolean isAvailable() {
        return transport.isAvailable();
    }

    @Override
    public Throwable unavailabilityCause() {
        return transport.unavailabilityCause();
    }

    @Override
    public IoHandlerFactory ioHandlerFactory() {
        return transport.ioHandlerFactory();
    }

    @Override
    public boolean supportsDomainSockets() {
        return transport.supportsDomainSockets();
    }

    /** True: Pollen writes file regions everywhere, with sendfile where {@link Transport#supportsSendfile()}. */
    @Override
    public boolean supportFileRegion() {
        return true;
    }

    @Override
    public SocketAddress convert(io.vertx.core.net.SocketAddress address) {
        if (address.isDomainSocket()) {
            checkDomainSockets();
            return UnixDomainSocketAddress.of(address.path());
        }
        return io.vertx.core.spi.transport.Transport.super.convert(address);
    }

    /** An unnamed peer keeps its empty path, which tells Vert.x to show the other side's address instead. */
    @Override
    public io.vertx.core.net.SocketAddress convert(SocketAddress address) {
        if (address instanceof UnixDomainSocketAddress) {
            return io.vertx.core.net.SocketAddress.domainSocketAddress(
                    ((UnixDomainSocketAddress) address).getPath().toString());
        }
        return io.vertx.core.spi.transport.Transport.super.convert(address);
    }

    @Override
    public DatagramChannel datagramChannel() {
        return transport.datagramChannelFactory().newChannel();
    }

    // The 5.0 SPI names Netty's deprecated InternetProtocolFamily; 5.1 replaced this method.
    @Override
    @SuppressWarnings("deprecation")
    public DatagramChannel datagramChannel(InternetProtocolFamily family) {
        return transport.datagramChannelFactory(family == null ? null : family.toSocketProtocolFamily()).newChannel();
    }

    @Override
    public ChannelFactory<? extends Channel> channelFactory(boolean domainSocket) {
        if (domainSocket) {
            checkDomainSockets();
            return transport.domainSocketChannelFactory();
        }
        return transport.socketChannelFactory();
    }

    @Override
    public ChannelFactory<? extends ServerChannel> serverChannelFactory(boolean domainSocket) {
        if (domainSocket) {
            checkDomainSockets();
            return transport.serverDomainSocketChannelFactory();
        }
        return transport.serverSocketChannelFactory();
    }

    /** As Vert.x's transports say it, which Vert.x reports as the failure of the listen or connect. */
    private void checkDomainSockets() {
        if (!transport.supportsDomainSockets()) {
            throw new IllegalArgumentException("Pollen " + transport.name() + " has no Unix domain sockets on "
                    + System.getProperty("os.name"));
        }
    }

    @Override
    public void configure(DatagramChannel channel, DatagramSocketOptions options) {
        DatagramChannelConfig config = channel.config();
        if (reusePort) {
            config.setOption(PollenChannelOption.SO_REUSEPORT, options.isReusePort());
        }
        io.vertx.core.spi.transport.Transport.super.configure(channel, options);
        // Vert.x sets these only on its NIO transport; Pollen's UDP channels have them too.
        config.setLoopbackModeDisabled(options.isLoopbackModeDisabled());
        if (options.getMulticastTimeToLive() != -1) {
            config.setTimeToLive(options.getMulticastTimeToLive());
        }
        String nic = options.getMulticastNetworkInterface();
        if (nic != null) {
            NetworkInterface iface;
            try {
                iface = NetworkInterface.getByName(nic);
            } catch (SocketException e) {
                iface = null;
            }
            if (iface == null) {
                throw new IllegalArgumentException("Could not find network interface with name " + nic);
            }
            config.setNetworkInterface(iface);
        }
    }

    @Override
    public void configure(NetServerOptions options, boolean domainSocket, ServerBootstrap bootstrap) {
        if (!domainSocket) {
            if (reusePort) {
                bootstrap.option(PollenChannelOption.SO_REUSEPORT, options.isReusePort());
            }
            if (linuxTcp) {
                if (options.isTcpFastOpen()) {
                    bootstrap.option(ChannelOption.TCP_FASTOPEN, FAST_OPEN_QUEUE);
                }
                bootstrap.childOption(EpollChannelOption.TCP_QUICKACK, options.isTcpQuickAck());
                bootstrap.childOption(EpollChannelOption.TCP_CORK, options.isTcpCork());
            }
        }
        io.vertx.core.spi.transport.Transport.super.configure(options, domainSocket, bootstrap);
    }

    @Override
    public void configure(ClientOptionsBase options, int connectTimeout, boolean domainSocket, Bootstrap bootstrap) {
        if (!domainSocket) {
            if (fastOpenConnect && options.isTcpFastOpen()) {
                bootstrap.option(ChannelOption.TCP_FASTOPEN_CONNECT, true);
            }
            if (linuxTcp) {
                bootstrap.option(PollenChannelOption.TCP_USER_TIMEOUT, options.getTcpUserTimeout());
                bootstrap.option(EpollChannelOption.TCP_QUICKACK, options.isTcpQuickAck());
                bootstrap.option(EpollChannelOption.TCP_CORK, options.isTcpCork());
            }
        }
        io.vertx.core.spi.transport.Transport.super.configure(options, connectTimeout, domainSocket, bootstrap);
    }

    @Override
    public String toString() {
        return "Pollen " + transport.name() + " for Vert.x";
    }
}
