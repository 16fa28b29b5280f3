package dev.pollen.grpc;

import dev.pollen.transport.Transport;
import io.grpc.ChannelCredentials;
import io.grpc.ForwardingChannelBuilder2;
import io.grpc.NameResolverProvider;
import io.grpc.NameResolverRegistry;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.unix.DomainSocketAddress;

import java.net.SocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collection;
import java.util.concurrent.TimeUnit;

/**
 * A {@link NettyChannelBuilder} on Pollen, as {@link PollenGrpc#configure(NettyChannelBuilder)}
 * makes it, behind the transport-neutral {@link io.grpc.ManagedChannelBuilder} API; what
 * {@link io.grpc.Grpc#newChannelBuilder} returns where Pollen's provider is chosen. Its
 * {@link #keepAliveTime} and {@link #keepAliveTimeout} also set {@code TCP_USER_TIMEOUT} on Pollen's
 * epoll channels, as gRPC does on Netty's ({@link PollenGrpc#keepAlive}). {@code unix:} targets get
 * the transport's Unix domain channels, every other target its TCP channels.
 * <pre>{@code
 * ManagedChannel channel = PollenChannelBuilder.forTarget("localhost:8080").usePlaintext().build();
 * }</pre>
 * For Netty-specific settings use {@link #nettyBuilder()}, but set keep-alive here.
 */
public final class PollenChannelBuilder extends ForwardingChannelBuilder2<PollenChannelBuilder> {
    private final NettyChannelBuilder delegate;

    private PollenChannelBuilder(NettyChannelBuilder delegate) {
        this.delegate = delegate;
    }

    /** A builder for {@code target} over {@link PollenGrpc#transport()}. */
    public static PollenChannelBuilder forTarget(String target) {
        return forTarget(target, PollenGrpc.transport());
    }

    /** A builder for {@code target} over {@code transport}. */
    public static PollenChannelBuilder forTarget(String target, Transport transport) {
        return configured(NettyChannelBuilder.forTarget(target), transport, isDomainTarget(target));
    }

    /**
     * A builder for {@code target} with {@code creds} over {@link PollenGrpc#transport()}.
     *
     * @throws IllegalArgumentException if gRPC's Netty transport does not understand {@code creds}
     */
    public static PollenChannelBuilder forTarget(String target, ChannelCredentials creds) {
        return forTarget(target, creds, PollenGrpc.transport());
    }

    /**
     * A builder for {@code target} with {@code creds} over {@code transport}.
     *
     * @throws IllegalArgumentException if gRPC's Netty transport does not understand {@code creds}
     */
    public static PollenChannelBuilder forTarget(String target, ChannelCredentials creds, Transport transport) {
        return configured(NettyChannelBuilder.forTarget(target, creds), transport, isDomainTarget(target));
    }

    /** A builder for {@code host:port} over {@link PollenGrpc#transport()}. */
    public static PollenChannelBuilder forAddress(String host, int port) {
        return forTarget(authority(host, port));
    }

    /** A builder for {@code host:port} with {@code creds} over {@link PollenGrpc#transport()}. */
    public static PollenChannelBuilder forAddress(String host, int port, ChannelCredentials creds) {
        return forTarget(authority(host, port), creds);
    }

    /** Wraps a Netty builder, configured here for TCP or Unix domain channels. */
    static PollenChannelBuilder configured(NettyChannelBuilder netty, Transport transport, boolean domain) {
        if (domain) {
            PollenGrpc.configureDomainSocket(netty, transport);
        } else {
            PollenGrpc.configure(netty, transport);
        }
        return new PollenChannelBuilder(netty);
    }

    /**
     * True if gRPC resolves {@code target} to Unix domain socket addresses only (the {@code unix:}
     * scheme): the scheme's name resolver, or the default one, found as gRPC's channel registry does.
     */
    static boolean isDomainTarget(String target) {
        NameResolverRegistry registry = NameResolverRegistry.getDefaultRegistry();
        NameResolverProvider provider = null;
        try {
            String scheme = new URI(target).getScheme();
            if (scheme != null) {
                provider = registry.getProviderForScheme(scheme);
            }
        } catch (URISyntaxException notAUri) {
            // an authority ("host:port"): the default scheme's resolver
        }
        if (provider == null) {
            provider = registry.getProviderForScheme(registry.getDefaultScheme());
        }
        return provider != null && producesDomainAddressesOnly(provider.getProducedSocketAddressTypes());
    }

    static boolean producesDomainAddressesOnly(Collection<Class<? extends SocketAddress>> types) {
        if (types == null || types.isEmpty()) {
            return false;
        }
        for (Class<? extends SocketAddress> type : types) {
            if (!DomainSocketAddress.class.isAssignableFrom(type)
                    && !java.net.UnixDomainSocketAddress.class.isAssignableFrom(type)) {
                return false;
            }
        }
        return true;
    }

    /** "host:port", with IPv6 literals bracketed (as io.grpc.Grpc does). */
    private static String authority(String host, int port) {
        try {
            return new URI(null, null, host, port, null, null, null).getAuthority();
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("invalid host or port: " + host + " " + port, e);
        }
    }

    /** The Netty builder underneath, for Netty-specific settings; set keep-alive on this builder instead. */
    public NettyChannelBuilder nettyBuilder() {
        return delegate;
    }

    @Override
    protected NettyChannelBuilder delegate() {
        return delegate;
    }

    /** {@inheritDoc} Also {@code TCP_USER_TIMEOUT} on Pollen's epoll channels; see {@link PollenGrpc#keepAlive}. */
    @Override
    public PollenChannelBuilder keepAliveTime(long keepAliveTime, TimeUnit timeUnit) {
        PollenGrpc.keepAliveTime(delegate, keepAliveTime, timeUnit);
        return this;
    }

    /** {@inheritDoc} Also {@code TCP_USER_TIMEOUT} on Pollen's epoll channels; see {@link PollenGrpc#keepAlive}. */
    @Override
    public PollenChannelBuilder keepAliveTimeout(long keepAliveTimeout, TimeUnit timeUnit) {
        PollenGrpc.keepAliveTimeout(delegate, keepAliveTimeout, timeUnit);
        return this;
    }
}
