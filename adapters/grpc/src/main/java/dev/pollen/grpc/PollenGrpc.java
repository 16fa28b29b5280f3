package dev.pollen.grpc;

import dev.pollen.channel.PollenChannelOption;
import dev.pollen.transport.Transport;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandler;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.NettyRuntime;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Puts gRPC-java's Netty transport on Pollen. One call configures a builder:
 * <pre>{@code
 * Server server = PollenGrpc.configure(NettyServerBuilder.forPort(8080)).addService(service).build().start();
 * ManagedChannel channel = PollenGrpc.configure(NettyChannelBuilder.forTarget("localhost:8080")).usePlaintext().build();
 * }</pre>
 * {@code configure} sets the builder's channel factory and event loop groups, all from
 * {@link #transport()}: {@link Transport#select()}, a Pollen transport where one loads (epoll on
 * Linux, kqueue on macOS and FreeBSD, wepoll on Windows), else Netty's NIO, with the reason
 * ({@link Transport#reason()}). The overloads taking a {@link Transport} use that one instead.
 *
 * <h2>Event loops</h2>
 * The builders share two groups per transport, created on first use: a boss group of one thread
 * (the listeners' accept loop) and a worker group of as many threads as CPUs (Netty's
 * {@code io.netty.eventLoopThreads} when set), which serves servers' connections and channels'
 * connections alike, as gRPC's own default groups do. Their threads are daemon threads named
 * {@code pollen-grpc-<transport>-boss/worker}; the groups are never shut down and cost nothing
 * while no connection uses them, so nothing needs closing: shut down servers and channels as
 * usual. To own the loops instead, set groups of your own after {@code configure}, made by the
 * same transport ({@code eventLoopGroup(..)} on a channel builder, {@code bossEventLoopGroup(..)} and
 * {@code workerEventLoopGroup(..)} on a server builder, e.g. with
 * {@code PollenGrpc.transport().newEventLoopGroup(2)}), and shut them down after the channels and
 * servers that use them: gRPC never shuts down groups it was given.
 *
 * <h2>Keep-alive</h2>
 * gRPC sets {@code TCP_USER_TIMEOUT} only on Netty's own epoll channels: when a channel has
 * keep-alive, its connections get {@code TCP_USER_TIMEOUT} = the keep-alive timeout (in ms), so
 * that the kernel drops a connection whose data stays unacknowledged that long. For Pollen's
 * channels, set keep-alive with {@link #keepAlive(NettyChannelBuilder, long, long, TimeUnit)}
 * (or through {@link PollenChannelBuilder}, which does it for {@code keepAliveTime/keepAliveTimeout})
 * and the same happens on Pollen's epoll channels. ({@code keepAliveTime} called on the
 * {@code NettyChannelBuilder} itself sets keep-alive but no {@code TCP_USER_TIMEOUT}: the builder
 * does not tell its settings.) Only Linux has {@code TCP_USER_TIMEOUT}; on the other transports
 * keep-alive pings alone apply, as they do for gRPC on Netty's kqueue and NIO. gRPC servers set no
 * {@code TCP_USER_TIMEOUT}, on Netty's epoll or here.
 *
 * <h2>Unix domain sockets</h2>
 * {@link #configureDomainSocket(NettyServerBuilder)} and
 * {@link #configureDomainSocket(NettyChannelBuilder)} use the transport's Unix domain channels, for
 * a server listening on {@code new io.netty.channel.unix.DomainSocketAddress(path)} and channels
 * to {@code "unix:///path"} targets (or {@code NettyChannelBuilder.forAddress(..)} with a domain
 * socket address). Pollen's domain channels take Netty's {@code DomainSocketAddress}, which gRPC's
 * {@code unix:} name resolver produces, and {@link java.net.UnixDomainSocketAddress}; on the NIO
 * fallback, whose domain channels take only the latter, each channel gets a handler that turns the
 * former into the latter when it binds or connects.
 *
 * <p>All methods are thread-safe; a builder, as in gRPC, is for one thread at a time.
 */
public final class PollenGrpc {
    private static final Logger logger = Logger.getLogger(PollenGrpc.class.getName());

    /** gRPC's keep-alive bounds (io.grpc.internal.KeepAliveManager, NettyChannelBuilder), copied. */
    static final long KEEPALIVE_TIME_NANOS_DISABLED = Long.MAX_VALUE;
    private static final long MIN_KEEPALIVE_TIME_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long MIN_KEEPALIVE_TIMEOUT_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long DEFAULT_KEEPALIVE_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(20);
    private static final long AS_LARGE_AS_INFINITE = TimeUnit.DAYS.toNanos(1000);

    private static final Object LOCK = new Object();
    private static volatile Transport selected;

    private static final ConcurrentMap<Class<? extends IoHandler>, SharedGroups> GROUPS = new ConcurrentHashMap<>();

    /** What {@code configure} and {@code keepAlive} said about each channel builder (weak keys: builders are not kept). */
    private static final Map<NettyChannelBuilder, ClientSettings> CLIENTS =
            Collections.synchronizedMap(new WeakHashMap<>());

    private PollenGrpc() {
    }

    // ------------------------------------------------------------------------------ the transport

    /**
     * The transport the one-argument methods and the ServiceLoader providers use:
     * {@link Transport#select()}, chosen once per class loader; {@link Transport#reason()} says why.
     *
     * @throws UnsatisfiedLinkError if {@code -Dpollen.transport} names a transport that cannot be used
     *         here (asked again on the next call)
     * @throws IllegalArgumentException if {@code -Dpollen.transport} names no transport at all
     */
    public static Transport transport() {
        Transport t = selected;
        if (t == null) {
            synchronized (LOCK) {
                t = selected;
                if (t == null) {
                    t = Transport.select();
                    if (t.isPollen()) {
                        logger.log(Level.FINE, "gRPC on {0}", t);
                    } else {
                        logger.log(Level.INFO, "gRPC on {0}", t);
                    }
                    selected = t;
                }
            }
        }
        return t;
    }

    // ------------------------------------------------------------------------------ servers

    /** Listens and serves over {@link #transport()}'s TCP channels, on the shared groups. */
    public static NettyServerBuilder configure(NettyServerBuilder builder) {
        return configure(builder, transport());
    }

    /** Listens and serves over {@code transport}'s TCP channels, on the shared groups of that transport. */
    public static NettyServerBuilder configure(NettyServerBuilder builder, Transport transport) {
        Objects.requireNonNull(builder, "builder");
        SharedGroups groups = groups(transport);
        return builder.channelFactory(transport.serverSocketChannelFactory())
                .bossEventLoopGroup(groups.boss)
                .workerEventLoopGroup(groups.worker);
    }

    /**
     * Listens and serves over {@link #transport()}'s Unix domain channels, on the shared groups;
     * the builder's listen addresses must be domain socket addresses.
     *
     * @throws UnsupportedOperationException where the transport has no Unix domain sockets
     */
    public static NettyServerBuilder configureDomainSocket(NettyServerBuilder builder) {
        return configureDomainSocket(builder, transport());
    }

    /**
     * As {@link #configureDomainSocket(NettyServerBuilder)}, over {@code transport}.
     *
     * @throws UnsupportedOperationException where the transport has no Unix domain sockets
     */
    public static NettyServerBuilder configureDomainSocket(NettyServerBuilder builder, Transport transport) {
        Objects.requireNonNull(builder, "builder");
        SharedGroups groups = groups(transport);
        return builder.channelFactory(domainAddresses(transport, transport.serverDomainSocketChannelFactory()))
                .bossEventLoopGroup(groups.boss)
                .workerEventLoopGroup(groups.worker)
                // gRPC asks every accepted channel for SO_KEEPALIVE, which a domain socket lacks: the
                // channel would log "Unknown channel option" for each connection. A null value
                // takes it out of the bootstrap's options.
                .withChildOption(ChannelOption.SO_KEEPALIVE, null);
    }

    // ------------------------------------------------------------------------------ channels

    /** Connects over {@link #transport()}'s TCP channels, on the shared worker group. */
    public static NettyChannelBuilder configure(NettyChannelBuilder builder) {
        return configure(builder, transport());
    }

    /** Connects over {@code transport}'s TCP channels, on that transport's shared worker group. */
    public static NettyChannelBuilder configure(NettyChannelBuilder builder, Transport transport) {
        Objects.requireNonNull(builder, "builder");
        SharedGroups groups = groups(transport);
        builder.channelFactory(transport.socketChannelFactory(), InetSocketAddress.class)
                .eventLoopGroup(groups.worker);
        synchronized (CLIENTS) {
            ClientSettings s = settings(builder);
            s.transport = transport;
            s.domain = false;
            applyTcpUserTimeout(builder, s);
        }
        return builder;
    }

    /**
     * Connects over {@link #transport()}'s Unix domain channels, on the shared worker group: for
     * {@code "unix:///path"} targets and domain socket addresses.
     *
     * @throws UnsupportedOperationException where the transport has no Unix domain sockets
     */
    public static NettyChannelBuilder configureDomainSocket(NettyChannelBuilder builder) {
        return configureDomainSocket(builder, transport());
    }

    /**
     * As {@link #configureDomainSocket(NettyChannelBuilder)}, over {@code transport}.
     *
     * @throws UnsupportedOperationException where the transport has no Unix domain sockets
     */
    public static NettyChannelBuilder configureDomainSocket(NettyChannelBuilder builder, Transport transport) {
        Objects.requireNonNull(builder, "builder");
        SharedGroups groups = groups(transport);
        // No address type: the channels take both Netty's DomainSocketAddress (what the unix: name
        // resolver gives) and java.net.UnixDomainSocketAddress, and gRPC checks one type at most.
        builder.channelFactory(domainAddresses(transport, transport.domainSocketChannelFactory()), null)
                .eventLoopGroup(groups.worker)
                // As for servers: gRPC's SO_KEEPALIVE means nothing to a domain socket.
                .withOption(ChannelOption.SO_KEEPALIVE, null);
        synchronized (CLIENTS) {
            ClientSettings s = settings(builder);
            s.transport = transport;
            s.domain = true;
            applyTcpUserTimeout(builder, s);
        }
        return builder;
    }

    /**
     * Sets keep-alive on the builder ({@link NettyChannelBuilder#keepAliveTime} and
     * {@link NettyChannelBuilder#keepAliveTimeout}) and, as gRPC does for Netty's epoll channels,
     * {@code TCP_USER_TIMEOUT} = the keep-alive timeout in milliseconds on every connection the
     * channel makes over Pollen's epoll TCP channels. gRPC's bounds apply: a time under 10 seconds
     * counts as 10 seconds, a timeout under 10 ms as 10 ms, and a time of 1000 days or more turns
     * keep-alive (and the option) off. Calls before or after {@code configure} are alike.
     *
     * @throws IllegalArgumentException if {@code time} or {@code timeout} is not positive
     */
    public static NettyChannelBuilder keepAlive(NettyChannelBuilder builder, long time, long timeout, TimeUnit unit) {
        keepAliveTime(builder, time, unit);
        keepAliveTimeout(builder, timeout, unit);
        return builder;
    }

    /** {@link NettyChannelBuilder#keepAliveTime}, remembered for {@code TCP_USER_TIMEOUT}. */
    static void keepAliveTime(NettyChannelBuilder builder, long time, TimeUnit unit) {
        builder.keepAliveTime(time, unit); // gRPC's own checks first
        long nanos = Math.max(unit.toNanos(time), MIN_KEEPALIVE_TIME_NANOS);
        synchronized (CLIENTS) {
            ClientSettings s = settings(builder);
            s.keepAliveTimeNanos = nanos >= AS_LARGE_AS_INFINITE ? KEEPALIVE_TIME_NANOS_DISABLED : nanos;
            applyTcpUserTimeout(builder, s);
        }
    }

    /** {@link NettyChannelBuilder#keepAliveTimeout}, remembered for {@code TCP_USER_TIMEOUT}. */
    static void keepAliveTimeout(NettyChannelBuilder builder, long timeout, TimeUnit unit) {
        builder.keepAliveTimeout(timeout, unit);
        long nanos = Math.max(unit.toNanos(timeout), MIN_KEEPALIVE_TIMEOUT_NANOS);
        synchronized (CLIENTS) {
            ClientSettings s = settings(builder);
            s.keepAliveTimeoutNanos = nanos;
            applyTcpUserTimeout(builder, s);
        }
    }

    /**
     * True if {@code transport}'s TCP channels take {@link PollenChannelOption#TCP_USER_TIMEOUT}:
     * Pollen's epoll (Linux). macOS, FreeBSD and Windows have no such socket option (Pollen's kqueue
     * and wepoll channels would fail to set it), and Netty's NIO channels do not know the option.
     */
    static boolean hasTcpUserTimeout(Transport transport) {
        return transport.isPollen() && "epoll".equals(transport.name());
    }

    /** The value {@code TCP_USER_TIMEOUT} gets on the builder's channels, or null for none. */
    static Integer tcpUserTimeoutMillis(NettyChannelBuilder builder) {
        synchronized (CLIENTS) {
            ClientSettings s = CLIENTS.get(builder);
            return s == null ? null : s.tcpUserTimeoutMillis();
        }
    }

    private static ClientSettings settings(NettyChannelBuilder builder) {
        return CLIENTS.computeIfAbsent(builder, b -> new ClientSettings());
    }

    /** Caller holds the CLIENTS lock. */
    private static void applyTcpUserTimeout(NettyChannelBuilder builder, ClientSettings s) {
        Integer millis = s.tcpUserTimeoutMillis();
        if (millis != null || s.tcpUserTimeoutSet) {
            // null takes the option out again (a later keep-alive off, or a transport without it)
            builder.withOption(PollenChannelOption.TCP_USER_TIMEOUT, millis);
            s.tcpUserTimeoutSet = millis != null;
        }
    }

    /** What one channel builder was told; guarded by the CLIENTS lock. */
    private static final class ClientSettings {
        Transport transport;
        boolean domain;
        long keepAliveTimeNanos = KEEPALIVE_TIME_NANOS_DISABLED;
        long keepAliveTimeoutNanos = DEFAULT_KEEPALIVE_TIMEOUT_NANOS;
        boolean tcpUserTimeoutSet;

        /** As NettyClientTransport.start(): keep-alive on, the channel's kind has the option. */
        Integer tcpUserTimeoutMillis() {
            if (transport == null || domain || !hasTcpUserTimeout(transport)
                    || keepAliveTimeNanos == KEEPALIVE_TIME_NANOS_DISABLED) {
                return null;
            }
            // gRPC casts to int; a timeout beyond Integer.MAX_VALUE ms (24.8 days) is capped instead.
            return (int) Math.min(TimeUnit.NANOSECONDS.toMillis(keepAliveTimeoutNanos), Integer.MAX_VALUE);
        }
    }

    /**
     * The transport's domain channel factory; for a transport whose domain channels take only the
     * JDK's {@link UnixDomainSocketAddress} (Netty's NIO), one whose channels convert Netty's
     * {@link DomainSocketAddress} first.
     */
    private static <C extends Channel> ChannelFactory<C> domainAddresses(Transport transport,
            ChannelFactory<? extends C> factory) {
        if (transport.isPollen()) {
            return factory::newChannel; // Pollen's domain channels take both address types
        }
        return () -> {
            C channel = factory.newChannel();
            channel.pipeline().addFirst(JdkDomainAddresses.INSTANCE);
            return channel;
        };
    }

    /** Turns Netty's domain socket addresses into the JDK's on the way to bind and connect; nothing else. */
    @ChannelHandler.Sharable
    private static final class JdkDomainAddresses extends ChannelOutboundHandlerAdapter {
        static final JdkDomainAddresses INSTANCE = new JdkDomainAddresses();

        @Override
        public void bind(ChannelHandlerContext ctx, SocketAddress localAddress, ChannelPromise promise) {
            ctx.bind(jdk(localAddress), promise);
        }

        @Override
        public void connect(ChannelHandlerContext ctx, SocketAddress remoteAddress, SocketAddress localAddress,
                ChannelPromise promise) {
            ctx.connect(jdk(remoteAddress), jdk(localAddress), promise);
        }

        private static SocketAddress jdk(SocketAddress address) {
            return address instanceof DomainSocketAddress
                    ? UnixDomainSocketAddress.of(((DomainSocketAddress) address).path()) : address;
        }
    }

    // ------------------------------------------------------------------------------ event loops

    /** The shared boss group of {@code transport} (one thread), created on first use. */
    static EventLoopGroup sharedBossGroup(Transport transport) {
        return groups(transport).boss;
    }

    /** The shared worker group of {@code transport}, created on first use. */
    static EventLoopGroup sharedWorkerGroup(Transport transport) {
        return groups(transport).worker;
    }

    private static SharedGroups groups(Transport transport) {
        Objects.requireNonNull(transport, "transport");
        // Keyed by I/O handler: two Transport instances of one kind share their loops.
        return GROUPS.computeIfAbsent(transport.ioHandlerClass(), k -> new SharedGroups(transport));
    }

    private static final class SharedGroups {
        final EventLoopGroup boss;
        final EventLoopGroup worker;

        SharedGroups(Transport transport) {
            String prefix = "pollen-grpc-" + transport.name();
            // As gRPC's default groups: one boss thread; one worker per CPU unless Netty's
            // io.netty.eventLoopThreads says otherwise (0 lets Netty read it).
            int workers = System.getProperty("io.netty.eventLoopThreads") == null
                    ? NettyRuntime.availableProcessors() : 0;
            this.boss = transport.newEventLoopGroup(1, new DefaultThreadFactory(prefix + "-boss", true));
            this.worker = transport.newEventLoopGroup(workers, new DefaultThreadFactory(prefix + "-worker", true));
        }
    }
}
