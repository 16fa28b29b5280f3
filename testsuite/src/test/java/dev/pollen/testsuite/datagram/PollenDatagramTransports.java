package dev.pollen.testsuite.datagram;

import dev.pollen.testsuite.PollenTransportPermutation;
import dev.pollen.testsuite.PollenTransports;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapFactory;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.util.List;
import java.util.function.Supplier;

/**
 * Datagram permutations, as Netty's {@code SocketTestPermutation.datagram(family)} but crossed with
 * NIO: Pollen x Pollen, Pollen x NIO, NIO x Pollen (first: the "server" bootstrap, second: the
 * "client"). Channels are created with the test's protocol family, through the transport's
 * {@code (SocketProtocolFamily)} constructor. One Pollen and one NIO group for the whole fork.
 */
public final class PollenDatagramTransports {
    private PollenDatagramTransports() {
    }

    public static List<BootstrapComboFactory<Bootstrap, Bootstrap>> datagram(SocketProtocolFamily family) {
        BootstrapFactory<Bootstrap> pollen = pollen(family);
        BootstrapFactory<Bootstrap> nio = factory("nio", Groups.NIO, () -> new NioDatagramChannel(family));
        return List.of(combo(pollen, pollen), combo(pollen, nio), combo(nio, pollen));
    }

    /** Pollen datagram bootstraps only (for {@code AbstractClientSocketTest}). */
    public static List<BootstrapFactory<Bootstrap>> datagramSocket() {
        return List.of(pollen(null));
    }

    private static BootstrapFactory<Bootstrap> pollen(SocketProtocolFamily family) {
        PollenTransportPermutation p = PollenTransports.current();
        Class<? extends DatagramChannel> type = p.datagramChannelClass();
        if (type == null) {
            throw new IllegalStateException("transport " + p.name() + " has no datagram channel");
        }
        return factory(p.name(), Groups.POLLEN, () -> {
            try {
                return family == null ? type.getConstructor().newInstance()
                        : type.getConstructor(SocketProtocolFamily.class).newInstance(family);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(type + " needs public () and (SocketProtocolFamily) constructors", e);
            }
        });
    }

    private static BootstrapFactory<Bootstrap> factory(String name, EventLoopGroup group,
                                                       Supplier<? extends Channel> channel) {
        return new BootstrapFactory<>() {
            @Override
            public Bootstrap newInstance() {
                return new Bootstrap().group(group).channelFactory(channel::get);
            }

            @Override
            public String toString() {
                return name + " datagram";
            }
        };
    }

    private static BootstrapComboFactory<Bootstrap, Bootstrap> combo(BootstrapFactory<Bootstrap> server,
                                                                     BootstrapFactory<Bootstrap> client) {
        return new BootstrapComboFactory<>() {
            @Override
            public Bootstrap newServerInstance() {
                return server.newInstance();
            }

            @Override
            public Bootstrap newClientInstance() {
                return client.newInstance();
            }

            @Override
            public String toString() {
                return server + " x " + client;
            }
        };
    }

    private static final class Groups {
        static final EventLoopGroup POLLEN = new MultiThreadIoEventLoopGroup(4,
                new DefaultThreadFactory("pollen-testsuite-dgram-" + PollenTransports.current().name(), true),
                PollenTransports.current().newIoHandlerFactory());
        static final EventLoopGroup NIO = new MultiThreadIoEventLoopGroup(4,
                new DefaultThreadFactory("pollen-testsuite-dgram-nio", true), NioIoHandler.newFactory());
    }
}
