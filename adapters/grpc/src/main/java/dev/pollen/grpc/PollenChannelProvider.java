package dev.pollen.grpc;

import dev.pollen.transport.Transport;
import io.grpc.ChannelCredentials;
import io.grpc.ManagedChannelProvider;
import io.grpc.NameResolverProvider;
import io.grpc.NameResolverRegistry;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.unix.DomainSocketAddress;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Collection;
import java.util.List;

/**
 * gRPC's {@link ManagedChannelProvider} for Pollen, found through {@code META-INF/services}: with
 * {@code dev.pollen:pollen-grpc} on the class path, {@link io.grpc.Grpc#newChannelBuilder} and
 * {@link io.grpc.ManagedChannelBuilder#forTarget} give {@link PollenChannelBuilder}s. Available only
 * where {@link PollenGrpc#transport()} is a Pollen transport; priority {@value #PRIORITY}, above
 * Netty's own providers (5, and 3 for {@code unix:} targets), so they still serve where Pollen
 * cannot, and {@code -Dpollen.transport=nio} hands every channel back to them.
 */
public final class PollenChannelProvider extends ManagedChannelProvider {
    static final int PRIORITY = 6;

    /** For the ServiceLoader. */
    public PollenChannelProvider() {
    }

    /**
     * True where {@link PollenGrpc#transport()} is a Pollen transport. Never throws (gRPC asks so):
     * a transport forced with {@code -Dpollen.transport} that cannot be used is logged and counts as
     * unavailable.
     */
    @Override
    public boolean isAvailable() {
        return PollenServerProvider.pollenAvailable(this);
    }

    @Override
    public int priority() {
        return PRIORITY;
    }

    @Override
    public PollenChannelBuilder builderForAddress(String name, int port) {
        return PollenChannelBuilder.forAddress(name, port);
    }

    @Override
    public PollenChannelBuilder builderForTarget(String target) {
        return PollenChannelBuilder.forTarget(target);
    }

    @Override
    public NewChannelBuilderResult newChannelBuilder(String target, ChannelCredentials creds) {
        return newChannelBuilder(target, creds, PollenChannelBuilder.isDomainTarget(target));
    }

    /**
     * As gRPC's registry calls it: {@code nameResolverProvider} is the target's resolver, whose
     * address types choose TCP or Unix domain channels. NettyChannelBuilder's public API cannot take
     * another name resolver registry than the default one, so for any other this provider declines
     * and the registry asks the next provider (Netty's).
     */
    @Override
    public NewChannelBuilderResult newChannelBuilder(String target, ChannelCredentials creds,
            NameResolverRegistry nameResolverRegistry, NameResolverProvider nameResolverProvider) {
        if (nameResolverRegistry != null && nameResolverRegistry != NameResolverRegistry.getDefaultRegistry()) {
            return NewChannelBuilderResult.error("Pollen's provider supports the default NameResolverRegistry only");
        }
        boolean domain = nameResolverProvider != null
                ? PollenChannelBuilder.producesDomainAddressesOnly(nameResolverProvider.getProducedSocketAddressTypes())
                : PollenChannelBuilder.isDomainTarget(target);
        if (nameResolverProvider != null && !domain && mixesDomainAndInet(nameResolverProvider)) {
            // One builder has one channel kind; a resolver giving both kinds is for another provider.
            return NewChannelBuilderResult.error("Pollen's provider cannot mix TCP and Unix domain addresses");
        }
        return newChannelBuilder(target, creds, domain);
    }

    private static NewChannelBuilderResult newChannelBuilder(String target, ChannelCredentials creds, boolean domain) {
        NettyChannelBuilder netty;
        try {
            netty = NettyChannelBuilder.forTarget(target, creds);
        } catch (IllegalArgumentException unsupportedCredentials) {
            return NewChannelBuilderResult.error(String.valueOf(unsupportedCredentials.getMessage()));
        }
        return NewChannelBuilderResult.channelBuilder(
                PollenChannelBuilder.configured(netty, PollenGrpc.transport(), domain));
    }

    private static boolean mixesDomainAndInet(NameResolverProvider provider) {
        Collection<Class<? extends SocketAddress>> types = provider.getProducedSocketAddressTypes();
        boolean inet = false;
        boolean domain = false;
        for (Class<? extends SocketAddress> type : types) {
            inet |= InetSocketAddress.class.isAssignableFrom(type);
            domain |= DomainSocketAddress.class.isAssignableFrom(type)
                    || java.net.UnixDomainSocketAddress.class.isAssignableFrom(type);
        }
        return inet && domain;
    }

    /** TCP addresses, and Unix domain socket addresses (as gRPC's {@code unix:} resolver gives them) where the transport has them. */
    @Override
    protected Collection<Class<? extends SocketAddress>> getSupportedSocketAddressTypes() {
        Transport transport = PollenGrpc.transport();
        return transport.supportsDomainSockets()
                ? List.of(InetSocketAddress.class, DomainSocketAddress.class)
                : List.of(InetSocketAddress.class);
    }
}
