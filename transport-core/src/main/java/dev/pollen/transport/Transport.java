package dev.pollen.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ReflectiveChannelFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.util.concurrent.ThreadPerTaskExecutor;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadFactory;

/**
 * A Netty transport: its {@link IoHandlerFactory}, its channel classes and their factories, and what
 * it can do. {@link #select()} gives the best one for this OS and CPU (a Pollen transport, else
 * Netty's NIO with the reason why), {@link #require()} a Pollen transport or an error that says why
 * each one cannot be used:
 * <pre>{@code
 * Transport transport = Transport.select();
 * EventLoopGroup group = transport.newEventLoopGroup(0);
 * new ServerBootstrap().group(group).channelFactory(transport.serverSocketChannelFactory())...
 * }</pre>
 * The operator's switch, the system property {@value #PROPERTY}, overrides the choice:
 * {@code auto} (the default), {@code nio}, or a Pollen transport's name ({@code epoll},
 * {@code kqueue}, {@code wepoll}), which is then required.
 * <p>
 * Instances are stateless and may be shared; every method is thread-safe.
 */
public abstract class Transport {
    /** The system property that forces a transport: {@code auto}, {@code nio}, {@code epoll}, {@code kqueue}, {@code wepoll}. */
    public static final String PROPERTY = "pollen.transport";

    /** Pollen's transports in order of preference, each in its own jar (at most one loads on any OS). */
    private static final String[][] POLLEN = {
            {"epoll", "dev.pollen.channel.epoll.EpollTransport"},
            {"kqueue", "dev.pollen.channel.kqueue.KQueueTransport"},
            {"wepoll", "dev.pollen.channel.wepoll.WepollTransport"},
    };

    /** Set once, before the instance is handed out (every lookup creates its own). */
    private String reason;

    protected Transport() {
    }

    // ----------------------------------------------------------------------------------- choosing

    /**
     * The transport {@value #PROPERTY} names, else the first available Pollen transport, else NIO;
     * {@link #reason()} says why. Fails only if the property names a transport that cannot be used.
     */
    public static Transport select() {
        String forced = forced();
        if (forced != null) {
            return named(forced, "forced by -D" + PROPERTY + "=" + forced);
        }
        StringBuilder why = new StringBuilder();
        for (Transport t : pollenTransports()) {
            if (t.isAvailable()) {
                return t;
            }
            why.append(why.length() == 0 ? "" : "; ").append(t.name()).append(": ").append(t.unavailabilityCause());
        }
        return new NioTransport().withReason("no Pollen transport can be used here (" + why + ")");
    }

    /**
     * The first available Pollen transport, or the one {@value #PROPERTY} names; never NIO unless
     * the property says {@code nio}.
     *
     * @throws UnsatisfiedLinkError naming every Pollen transport and why it cannot be used here,
     *         with those causes attached as suppressed exceptions
     */
    public static Transport require() {
        String forced = forced();
        if (forced != null) {
            return named(forced, "forced by -D" + PROPERTY + "=" + forced);
        }
        List<Throwable> causes = new ArrayList<>();
        StringBuilder why = new StringBuilder();
        for (Transport t : pollenTransports()) {
            if (t.isAvailable()) {
                return t;
            }
            causes.add(t.unavailabilityCause());
            why.append(why.length() == 0 ? "" : "; ").append(t.name()).append(": ").append(t.unavailabilityCause());
        }
        UnsatisfiedLinkError e = new UnsatisfiedLinkError("no Pollen transport can be used here: " + why);
        causes.forEach(e::addSuppressed);
        throw e;
    }

    /**
     * The transport with this name ({@code epoll}, {@code kqueue}, {@code wepoll} or {@code nio}).
     *
     * @throws IllegalArgumentException for an unknown name
     * @throws UnsatisfiedLinkError if that transport cannot be used here, with its cause
     */
    public static Transport require(String name) {
        return named(name, "required by name");
    }

    /** Netty's NIO transport, on every OS. */
    public static Transport nio() {
        return new NioTransport().withReason("asked for");
    }

    /**
     * Every Pollen transport whose jar is on the class path, available here or not, in order of
     * preference (epoll, kqueue, wepoll).
     */
    public static List<Transport> pollenTransports() {
        List<Transport> all = new ArrayList<>(POLLEN.length);
        for (String[] entry : POLLEN) {
            Transport t = load(entry[0], entry[1]);
            if (t != null) {
                all.add(t);
            }
        }
        return all;
    }

    private static Transport named(String name, String reason) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        if ("nio".equals(n)) {
            return new NioTransport().withReason(reason);
        }
        for (String[] entry : POLLEN) {
            if (entry[0].equals(n)) {
                Transport t = load(entry[0], entry[1]);
                if (t == null) {
                    throw new UnsatisfiedLinkError("Pollen " + n + " (" + reason + ") is not on the class path: add "
                            + "dev.pollen:pollen-transport-native-" + n + " or dev.pollen:pollen-transport-all");
                }
                if (!t.isAvailable()) {
                    UnsatisfiedLinkError e = new UnsatisfiedLinkError("Pollen " + n + " (" + reason
                            + ") cannot be used here: " + t.unavailabilityCause());
                    e.initCause(t.unavailabilityCause());
                    throw e;
                }
                return t.withReason(reason);
            }
        }
        throw new IllegalArgumentException("unknown transport '" + name + "': expected auto, nio, epoll, kqueue or wepoll");
    }

    private static String forced() {
        String v = System.getProperty(PROPERTY);
        if (v == null || v.isBlank() || "auto".equalsIgnoreCase(v.trim())) {
            return null;
        }
        return v.trim();
    }

    private static Transport load(String name, String className) {
        Class<?> c;
        try {
            c = Class.forName(className, true, Transport.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
        try {
            return (Transport) c.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("Pollen " + name + ": cannot create " + className, e);
        }
    }

    // ------------------------------------------------------------------------------ what it is

    /** {@code epoll}, {@code kqueue}, {@code wepoll} or {@code nio}. */
    public abstract String name();

    /** True for Pollen's transports, false for NIO. */
    public abstract boolean isPollen();

    /** True if this transport can be used here (NIO always can). */
    public abstract boolean isAvailable();

    /** Why this transport cannot be used here, or null if it can. */
    public abstract Throwable unavailabilityCause();

    /**
     * Why this transport was chosen: "available", "forced by -Dpollen.transport=..", or for NIO
     * after {@link #select()}, why no Pollen transport could be used.
     */
    public String reason() {
        String r = reason;
        return r != null ? r : isAvailable() ? "available" : String.valueOf(unavailabilityCause());
    }

    /** Sets {@link #reason()} on this instance, which no one else holds yet. */
    Transport withReason(String reason) {
        this.reason = reason;
        return this;
    }

    // ------------------------------------------------------------------------------ event loops

    /** A new factory of this transport's {@link IoHandler}s, for {@code new MultiThreadIoEventLoopGroup(..)}. */
    public abstract IoHandlerFactory ioHandlerFactory();

    /** The class of this transport's {@link IoHandler}. */
    public abstract Class<? extends IoHandler> ioHandlerClass();

    /** A group of {@code threads} event loops (0: Netty's default, twice the CPUs) on this transport. */
    public EventLoopGroup newEventLoopGroup(int threads) {
        return new MultiThreadIoEventLoopGroup(threads, ioHandlerFactory());
    }

    /** As {@link #newEventLoopGroup(int)}, its threads made by {@code threadFactory}. */
    public EventLoopGroup newEventLoopGroup(int threads, ThreadFactory threadFactory) {
        return new MultiThreadIoEventLoopGroup(threads, new ThreadPerTaskExecutor(threadFactory), ioHandlerFactory());
    }

    /** True if this transport's channels can be registered with {@code group}. */
    public boolean isCompatible(EventLoopGroup group) {
        return group instanceof IoEventLoopGroup && ((IoEventLoopGroup) group).isIoType(ioHandlerClass());
    }

    // ------------------------------------------------------------------------------ channels

    public abstract Class<? extends SocketChannel> socketChannelClass();

    public abstract Class<? extends ServerSocketChannel> serverSocketChannelClass();

    public abstract Class<? extends DatagramChannel> datagramChannelClass();

    /** The Unix domain stream channel class, or null where this transport has none (see {@link #supportsDomainSockets()}). */
    public abstract Class<? extends DuplexChannel> domainSocketChannelClass();

    /** The Unix domain listener class, or null where this transport has none. */
    public abstract Class<? extends ServerChannel> serverDomainSocketChannelClass();

    /** The Unix domain datagram channel class, or null where this transport has none (see {@link #supportsDomainDatagrams()}). */
    public abstract Class<? extends Channel> domainDatagramChannelClass();

    public ChannelFactory<? extends SocketChannel> socketChannelFactory() {
        return new ReflectiveChannelFactory<>(socketChannelClass());
    }

    public ChannelFactory<? extends ServerSocketChannel> serverSocketChannelFactory() {
        return new ReflectiveChannelFactory<>(serverSocketChannelClass());
    }

    public ChannelFactory<? extends DatagramChannel> datagramChannelFactory() {
        return new ReflectiveChannelFactory<>(datagramChannelClass());
    }

    /**
     * Datagram channels of one protocol family ({@code IPV4} or {@code IPV6}); null leaves the choice to
     * the OS, as {@link #datagramChannelFactory()} does.
     */
    public abstract ChannelFactory<? extends DatagramChannel> datagramChannelFactory(SocketProtocolFamily family);

    /** @throws UnsupportedOperationException where this transport has no Unix domain sockets */
    public ChannelFactory<? extends DuplexChannel> domainSocketChannelFactory() {
        return new ReflectiveChannelFactory<>(domain(domainSocketChannelClass(), "domain socket"));
    }

    /** @throws UnsupportedOperationException where this transport has no Unix domain sockets */
    public ChannelFactory<? extends ServerChannel> serverDomainSocketChannelFactory() {
        return new ReflectiveChannelFactory<>(domain(serverDomainSocketChannelClass(), "domain socket listener"));
    }

    /** @throws UnsupportedOperationException where this transport has no Unix domain datagram sockets */
    public ChannelFactory<? extends Channel> domainDatagramChannelFactory() {
        return new ReflectiveChannelFactory<>(domain(domainDatagramChannelClass(), "domain datagram"));
    }

    private <C> Class<C> domain(Class<C> c, String what) {
        if (c == null) {
            throw new UnsupportedOperationException(name() + " has no Unix " + what + " channel on "
                    + System.getProperty("os.name"));
        }
        return c;
    }

    // ------------------------------------------------------------------------------ capabilities

    /** True if this transport has Unix domain stream channels and listeners here. */
    public boolean supportsDomainSockets() {
        return domainSocketChannelClass() != null;
    }

    /** True if this transport has Unix domain datagram channels here. */
    public boolean supportsDomainDatagrams() {
        return domainDatagramChannelClass() != null;
    }

    /**
     * True if a {@link io.netty.channel.DefaultFileRegion} goes from the file to the socket in the kernel
     * (sendfile); where false, regions are still written, by copying.
     */
    public abstract boolean supportsSendfile();

    @Override
    public String toString() {
        return (isPollen() ? "Pollen " : "Netty ") + name() + " (" + reason() + ")";
    }
}
