package dev.pollen.reactor.netty;

import dev.pollen.transport.Transport;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.unix.DomainDatagramChannel;
import io.netty.channel.unix.DomainSocketChannel;
import io.netty.channel.unix.ServerDomainSocketChannel;
import io.netty.util.concurrent.FastThreadLocalThread;
import io.netty.util.concurrent.Future;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.NonBlocking;
import reactor.netty.resources.LoopResources;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * {@link LoopResources} on Pollen: Reactor Netty's servers, clients and DNS resolver run on the
 * transport {@link Transport#select()} picks (Pollen epoll, kqueue or wepoll; NIO with the reason
 * where none can be used), and ask it for their channels, Unix domain ones included.
 * <pre>{@code
 * LoopResources loops = PollenLoopResources.create("pollen");
 * HttpServer.create().runOn(loops)...;  HttpClient.create().runOn(loops)...;
 * PollenLoopResources.installGlobally();   // or: the global Http/Tcp/UdpResources
 * }</pre>
 * Like Reactor Netty's own resources: one group of {@code workerCount} loops serves servers (and
 * accepts, unless {@code selectCount} asks for a group of its own), clients are colocated with it,
 * threads are {@link NonBlocking} (Reactor refuses blocking calls on them) and named
 * {@code prefix-<transport>-N}; {@code useNative = false} (Reactor's {@code preferNative(false)}
 * or {@code -Dreactor.netty.native=false}) gives NIO groups. Groups are made on first use and shut
 * down by {@link #disposeLater}.
 */
public final class PollenLoopResources implements LoopResources {
    private final String prefix;
    private final boolean daemon;
    private final int selectCount;
    private final int workerCount;
    private final Transport transport;
    private final Transport nio = Transport.nio();
    private final Loops pollen = new Loops();
    private final Loops fallback = new Loops();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong threads = new AtomicLong();

    private PollenLoopResources(String prefix, int selectCount, int workerCount, boolean daemon, Transport transport) {
        if (workerCount < 1) {
            throw new IllegalArgumentException("workerCount must be positive: " + workerCount);
        }
        if (selectCount < 1 && selectCount != -1) {
            throw new IllegalArgumentException("selectCount must be positive or -1 (accept on the workers): "
                    + selectCount);
        }
        this.prefix = Objects.requireNonNull(prefix, "prefix");
        this.selectCount = selectCount;
        this.workerCount = workerCount;
        this.daemon = daemon;
        this.transport = Objects.requireNonNull(transport, "transport");
    }

    /** Reactor Netty's default sizes ({@link #DEFAULT_IO_WORKER_COUNT} loops), daemon threads. */
    public static PollenLoopResources create(String prefix) {
        return create(prefix, DEFAULT_IO_SELECT_COUNT, DEFAULT_IO_WORKER_COUNT, true);
    }

    public static PollenLoopResources create(String prefix, int workerCount, boolean daemon) {
        return create(prefix, -1, workerCount, daemon);
    }

    /** {@code selectCount} -1: servers accept on their worker loops, as Reactor Netty does by default. */
    public static PollenLoopResources create(String prefix, int selectCount, int workerCount, boolean daemon) {
        return new PollenLoopResources(prefix, selectCount, workerCount, daemon, Transport.select());
    }

    /** As {@link #create(String, int, int, boolean)} on a given transport (e.g. {@code Transport.require()}). */
    public static PollenLoopResources create(String prefix, int selectCount, int workerCount, boolean daemon,
                                             Transport transport) {
        return new PollenLoopResources(prefix, selectCount, workerCount, daemon, transport);
    }

    /**
     * Puts Reactor Netty's global resources on Pollen: {@code TcpResources} and {@code UdpResources},
     * and {@code HttpResources} where reactor-netty-http is present. Everything that runs without
     * {@code runOn(..)} then runs here (also what Spring's WebClient and r2dbc drivers use by default).
     * The previous global loops are disposed by Reactor Netty.
     */
    public static void installGlobally() {
        GlobalResources.install();
    }

    /** The transport this serves (NIO groups, for {@code useNative = false}, aside). */
    public Transport transport() {
        return transport;
    }

    @Override
    public EventLoopGroup onServer(boolean useNative) {
        return loops(useNative).server(this, useNative);
    }

    @Override
    public EventLoopGroup onServerSelect(boolean useNative) {
        return selectCount == -1 ? onServer(useNative) : loops(useNative).select(this, useNative);
    }

    @Override
    public EventLoopGroup onClient(boolean useNative) {
        return loops(useNative).client(this, useNative);
    }

    @Override
    public boolean daemon() {
        return daemon;
    }

    private Loops loops(boolean useNative) {
        if (!running.get()) {
            throw new IllegalStateException(this + " is disposed");
        }
        return useNative ? pollen : fallback;
    }

    private Transport transport(boolean useNative) {
        return useNative ? transport : nio;
    }

    /**
     * The channel {@code type} asks for, of the transport whose group {@code group} is (ours, Pollen's or
     * NIO's, also when wrapped by {@link LoopResources#colocate}); groups of Netty's own native transports
     * go to Reactor Netty's default.
     */
    @Override
    public <C extends Channel> C onChannel(Class<C> type, EventLoopGroup group) {
        Transport t = transportOf(group);
        if (t == null) {
            return LoopResources.super.onChannel(type, group);
        }
        @SuppressWarnings("unchecked") // as in onChannelClass
        C channel = (C) factoryOf(type, t).get();
        return channel;
    }

    @Override
    public <C extends Channel> Class<? extends C> onChannelClass(Class<C> type, EventLoopGroup group) {
        Transport t = transportOf(group);
        if (t == null) {
            return LoopResources.super.onChannelClass(type, group);
        }
        @SuppressWarnings("unchecked") // Pollen's domain channels stand in for Netty's unix interfaces (see classOf)
        Class<? extends C> c = (Class<? extends C>) classOf(type, t);
        return c;
    }

    private Transport transportOf(EventLoopGroup group) {
        EventLoopGroup g = group;
        while (g instanceof Supplier && !(g instanceof io.netty.channel.IoEventLoopGroup)) {
            Object inner = ((Supplier<?>) g).get(); // LoopResources.colocate(..)
            if (!(inner instanceof EventLoopGroup) || inner == g) {
                break;
            }
            g = (EventLoopGroup) inner;
        }
        if (transport.isCompatible(g)) {
            return transport;
        }
        return nio.isCompatible(g) ? nio : null;
    }

    /**
     * Pollen's class for the Netty channel type Reactor Netty asks for. Reactor Netty asks for Netty's unix
     * interfaces ({@code DomainSocketChannel}, ...) and only uses them as {@link Channel}s, binding them to
     * Netty's {@code DomainSocketAddress}, which Pollen's domain channels take.
     */
    static Class<? extends Channel> classOf(Class<? extends Channel> type, Transport t) {
        Class<? extends Channel> c;
        if (type == SocketChannel.class) {
            c = t.socketChannelClass();
        } else if (type == ServerSocketChannel.class) {
            c = t.serverSocketChannelClass();
        } else if (type == DatagramChannel.class) {
            c = t.datagramChannelClass();
        } else if (type == DomainSocketChannel.class) {
            c = t.domainSocketChannelClass();
        } else if (type == ServerDomainSocketChannel.class) {
            c = t.serverDomainSocketChannelClass();
        } else if (type == DomainDatagramChannel.class) {
            c = t.domainDatagramChannelClass();
        } else {
            throw new IllegalArgumentException("Pollen " + t.name() + ": no channel of type " + type.getName());
        }
        if (c == null) {
            throw new UnsupportedOperationException(t + " has no " + type.getSimpleName() + " on "
                    + System.getProperty("os.name"));
        }
        return c;
    }

    private static Supplier<? extends Channel> factoryOf(Class<? extends Channel> type, Transport t) {
        if (type == SocketChannel.class) {
            return t.socketChannelFactory()::newChannel;
        }
        if (type == ServerSocketChannel.class) {
            return t.serverSocketChannelFactory()::newChannel;
        }
        if (type == DatagramChannel.class) {
            return t.datagramChannelFactory()::newChannel;
        }
        classOf(type, t); // throws for unknown types and for domain types the transport lacks
        if (type == DomainSocketChannel.class) {
            return t.domainSocketChannelFactory()::newChannel;
        }
        if (type == ServerDomainSocketChannel.class) {
            return t.serverDomainSocketChannelFactory()::newChannel;
        }
        return t.domainDatagramChannelFactory()::newChannel;
    }

    @Override
    public Mono<Void> disposeLater(Duration quietPeriod, Duration timeout) {
        return Mono.defer(() -> {
            if (!running.compareAndSet(true, false)) {
                return Mono.empty();
            }
            List<Mono<Void>> all = new ArrayList<>();
            for (EventLoopGroup g : new EventLoopGroup[] {pollen.server, pollen.select, fallback.server, fallback.select}) {
                if (g != null) {
                    Future<?> f = g.shutdownGracefully(quietPeriod.toMillis(), timeout.toMillis(), TimeUnit.MILLISECONDS);
                    all.add(Mono.create(sink -> f.addListener(done -> sink.success())));
                }
            }
            return Mono.when(all);
        });
    }

    @Override
    public boolean isDisposed() {
        return !running.get();
    }

    @Override
    public String toString() {
        return "PollenLoopResources{prefix=" + prefix + ", transport=" + transport + ", daemon=" + daemon
                + ", selectCount=" + selectCount + ", workerCount=" + workerCount + '}';
    }

    /** The groups of one transport, each made on first use. */
    private static final class Loops {
        private volatile EventLoopGroup server;
        private volatile EventLoopGroup select;
        private volatile EventLoopGroup client;

        synchronized EventLoopGroup server(PollenLoopResources r, boolean useNative) {
            if (server == null) {
                server = r.newGroup(r.workerCount, useNative, "");
            }
            return server;
        }

        synchronized EventLoopGroup select(PollenLoopResources r, boolean useNative) {
            if (select == null) {
                select = r.newGroup(r.selectCount, useNative, "select-");
            }
            return select;
        }

        synchronized EventLoopGroup client(PollenLoopResources r, boolean useNative) {
            if (client == null) {
                client = LoopResources.colocate(server(r, useNative));
            }
            return client;
        }
    }

    private EventLoopGroup newGroup(int threads, boolean useNative, String role) {
        Transport t = transport(useNative);
        String name = prefix + "-" + role + t.name() + "-";
        ThreadFactory factory = r -> {
            Thread thread = new LoopThread(r);
            thread.setDaemon(daemon);
            thread.setName(name + this.threads.incrementAndGet());
            return thread;
        };
        return t.newEventLoopGroup(threads, factory);
    }

    /** An event loop thread on which Reactor refuses blocking calls. */
    private static final class LoopThread extends FastThreadLocalThread implements NonBlocking {
        LoopThread(Runnable r) {
            super(r);
        }
    }
}
