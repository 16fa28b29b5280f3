package dev.pollen.testsuite;

import io.netty.bootstrap.AbstractBootstrap;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapFactory;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Registry of the Pollen transports and source of the bootstrap permutations that every test class in this
 * module runs with. The transport under test is chosen by the system property {@value #PROPERTY}; if the
 * property is missing or unknown, or the transport's native library cannot load, every test fails (never skips),
 * so a broken native build cannot pass CI silently.
 *
 * <p>Socket tests run the combinations Pollen server x Pollen client, Pollen server x NIO client and NIO server x
 * Pollen client (NIO x NIO is Netty's business). Server-only and client-only tests run against Pollen alone. Each
 * transport gets one event loop group for the whole JVM, shared by server and client bootstraps, like Netty's
 * {@code SocketTestPermutation}; the same holds for the NIO peer.
 *
 * <h2>Adding a transport</h2>
 * <ol>
 *   <li>Write one {@link PollenTransportPermutation} (see {@link EpollTransportPermutation}) and register it in
 *       {@link #REGISTRY} under its name; its {@code dev.pollen.transport.Transport} must be known to
 *       {@code Transport.require(name)} (the core tests take their channels from it).</li>
 *   <li>Add the transport's artifact as a test dependency and one {@code <execution>} to the surefire plugin in
 *       {@code testsuite/pom.xml}, copied from {@code testsuite-epoll}, with
 *       {@code pollen.testsuite.transport} and {@code reportNameSuffix} set to the new name (guard it with an
 *       OS-activated profile if it only runs on some platforms).</li>
 * </ol>
 * Nothing else: the test classes under {@code dev.pollen.testsuite} are transport independent. If a transport
 * must deviate from a Netty test, override the hook in the test class and document the reason right there.
 *
 * <h2>Socket family</h2>
 * {@value #FAMILY_PROPERTY}{@code =unix} runs the socket tests over Unix domain sockets instead of TCP loopback,
 * as Netty's epoll module does with its {@code EpollDomainSocket*Test} classes: the combinations use the
 * transport's domain channels (and NIO's on the other side), and {@link #newSocketAddress()} hands out a fresh
 * socket path per call. Test classes that run in both families take their address from there.
 */
public final class PollenTransports {

    public static final String PROPERTY = "pollen.testsuite.transport";

    /** {@code inet} (the default) or {@code unix}. */
    public static final String FAMILY_PROPERTY = "pollen.testsuite.socketFamily";

    private static final int THREADS = 4;

    private static final Map<String, Supplier<PollenTransportPermutation>> REGISTRY = Map.of(
            "epoll", EpollTransportPermutation::new,
            "kqueue", KQueueTransportPermutation::new,
            "wepoll", WepollTransportPermutation::new);

    private static PollenTransportPermutation selected;

    /** The transport under test ({@value #PROPERTY}) through Pollen's selection API. */
    public static dev.pollen.transport.Transport transport() {
        current(); // fails with the reason if the property is wrong or the library does not load
        return dev.pollen.transport.Transport.require(System.getProperty(PROPERTY));
    }
    private static RuntimeException selectionFailure;

    private PollenTransports() {
    }

    /** The transport under test; throws (in every test that asks) if none is selected or it is unavailable. */
    public static synchronized PollenTransportPermutation current() {
        if (selected == null && selectionFailure == null) {
            try {
                selected = select();
            } catch (RuntimeException e) {
                selectionFailure = e;
            }
        }
        if (selectionFailure != null) {
            throw new IllegalStateException(selectionFailure.getMessage(), selectionFailure);
        }
        return selected;
    }

    /** True when the socket tests run over Unix domain sockets ({@value #FAMILY_PROPERTY}{@code =unix}). */
    public static boolean isUnixFamily() {
        String family = System.getProperty(FAMILY_PROPERTY, "inet").trim().toLowerCase(Locale.ROOT);
        switch (family) {
            case "inet":
            case "":
                return false;
            case "unix":
                return true;
            default:
                throw new IllegalStateException("Unknown -D" + FAMILY_PROPERTY + "=" + family + "; known: inet, unix");
        }
    }

    /**
     * Where a test binds its server: a fresh socket path (no file there yet) for the unix family, else loopback
     * on an ephemeral port (Netty's default).
     */
    public static SocketAddress newSocketAddress() {
        if (!isUnixFamily()) {
            return new InetSocketAddress(NetUtil.LOCALHOST, 0);
        }
        return UnixDomainSocketAddress.of(SocketDir.DIR.resolve("s" + SocketDir.COUNTER.incrementAndGet() + ".sock"));
    }

    /** Pollen x Pollen, Pollen server x NIO client, NIO server x Pollen client, in the selected family. */
    public static List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> socket() {
        current();
        boolean unix = isUnixFamily();
        BootstrapFactory<ServerBootstrap> pollenServer = unix ? DomainHolder.POLLEN_SERVER : Holder.POLLEN_SERVER;
        BootstrapFactory<Bootstrap> pollenClient = unix ? DomainHolder.POLLEN_CLIENT : Holder.POLLEN_CLIENT;
        List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> combos = new ArrayList<>(3);
        combos.add(combo(pollenServer, pollenClient));
        combos.add(combo(pollenServer, unix ? DomainHolder.NIO_CLIENT : Holder.NIO_CLIENT));
        combos.add(combo(unix ? DomainHolder.NIO_SERVER : Holder.NIO_SERVER, pollenClient));
        return combos;
    }

    /** Pollen server bootstraps only (for {@code AbstractServerSocketTest}), in the selected family. */
    public static List<BootstrapFactory<ServerBootstrap>> serverSocket() {
        current();
        return List.of(isUnixFamily() ? DomainHolder.POLLEN_SERVER : Holder.POLLEN_SERVER);
    }

    /** Pollen client bootstraps only (for {@code AbstractClientSocketTest}), in the selected family. */
    public static List<BootstrapFactory<Bootstrap>> clientSocket() {
        current();
        return List.of(isUnixFamily() ? DomainHolder.POLLEN_CLIENT : Holder.POLLEN_CLIENT);
    }

    /** Whether {@code channel} belongs to the transport under test (as opposed to the NIO peer). */
    public static boolean isPollenChannel(Channel channel) {
        PollenTransportPermutation p = current();
        return Stream.of(p.socketChannelClass(), p.serverSocketChannelClass(), p.domainSocketChannelClass(),
                        p.serverDomainSocketChannelClass(), p.domainDatagramChannelClass())
                .anyMatch(type -> type != null && type.isInstance(channel));
    }

    private static <S extends AbstractBootstrap<?, ?>, C extends AbstractBootstrap<?, ?>> BootstrapComboFactory<S, C>
            combo(BootstrapFactory<S> server, BootstrapFactory<C> client) {
        return new BootstrapComboFactory<>() {
            @Override
            public S newServerInstance() {
                return server.newInstance();
            }

            @Override
            public C newClientInstance() {
                return client.newInstance();
            }

            @Override
            public String toString() {
                return server + " x " + client;
            }
        };
    }

    private static BootstrapFactory<ServerBootstrap> server(
            String name, EventLoopGroup group, Class<? extends ServerChannel> type) {
        return new BootstrapFactory<>() {
            @Override
            public ServerBootstrap newInstance() {
                return new ServerBootstrap().group(group).channel(type);
            }

            @Override
            public String toString() {
                return name + " server";
            }
        };
    }

    private static BootstrapFactory<Bootstrap> client(
            String name, EventLoopGroup group, Class<? extends Channel> type) {
        return new BootstrapFactory<>() {
            @Override
            public Bootstrap newInstance() {
                return new Bootstrap().group(group).channel(type);
            }

            @Override
            public String toString() {
                return name + " client";
            }
        };
    }

    private static PollenTransportPermutation select() {
        String name = System.getProperty(PROPERTY);
        if (name == null || name.isBlank()) {
            throw new IllegalStateException("No Pollen transport selected: run with -D" + PROPERTY + "=<one of "
                    + REGISTRY.keySet() + "> (the surefire executions in testsuite/pom.xml set it)");
        }
        Supplier<PollenTransportPermutation> supplier = REGISTRY.get(name.trim());
        if (supplier == null) {
            throw new IllegalStateException("Unknown Pollen transport '" + name + "' in -D" + PROPERTY
                    + "; known: " + REGISTRY.keySet());
        }
        PollenTransportPermutation permutation = supplier.get();
        try {
            permutation.ensureAvailability();
        } catch (Throwable cause) {
            throw new IllegalStateException("Pollen transport '" + name + "' is not available on "
                    + System.getProperty("os.name") + "/" + System.getProperty("os.arch")
                    + "; refusing to skip its testsuite", cause);
        }
        return permutation;
    }

    /** Created on first use, after {@link #current()} succeeded. */
    private static final class Holder {
        static final PollenTransportPermutation CURRENT = current();

        static final EventLoopGroup POLLEN_GROUP = group("pollen-testsuite-" + CURRENT.name(),
                CURRENT.newIoHandlerFactory());
        static final EventLoopGroup NIO_GROUP = group("pollen-testsuite-nio", NioIoHandler.newFactory());

        static final BootstrapFactory<ServerBootstrap> POLLEN_SERVER =
                server(CURRENT.name(), POLLEN_GROUP, CURRENT.serverSocketChannelClass());
        static final BootstrapFactory<Bootstrap> POLLEN_CLIENT =
                client(CURRENT.name(), POLLEN_GROUP, CURRENT.socketChannelClass());
        static final BootstrapFactory<ServerBootstrap> NIO_SERVER =
                server("nio", NIO_GROUP, NioServerSocketChannel.class);
        static final BootstrapFactory<Bootstrap> NIO_CLIENT = client("nio", NIO_GROUP, NioSocketChannel.class);

        private static EventLoopGroup group(String threadName, IoHandlerFactory factory) {
            // Daemon threads, never shut down: shared by all test classes of the fork, as in Netty's testsuite.
            return new MultiThreadIoEventLoopGroup(THREADS, new DefaultThreadFactory(threadName, true), factory);
        }
    }

    /** The Unix domain bootstraps; created on first use, and only in the unix family. */
    private static final class DomainHolder {
        static final BootstrapFactory<ServerBootstrap> POLLEN_SERVER = server(Holder.CURRENT.name() + "-uds",
                Holder.POLLEN_GROUP, required(Holder.CURRENT.serverDomainSocketChannelClass(), "server"));
        static final BootstrapFactory<Bootstrap> POLLEN_CLIENT = client(Holder.CURRENT.name() + "-uds",
                Holder.POLLEN_GROUP, required(Holder.CURRENT.domainSocketChannelClass(), "stream"));
        static final BootstrapFactory<ServerBootstrap> NIO_SERVER =
                server("nio-uds", Holder.NIO_GROUP, NioServerDomainSocketChannel.class);
        static final BootstrapFactory<Bootstrap> NIO_CLIENT =
                client("nio-uds", Holder.NIO_GROUP, NioDomainSocketChannel.class);

        private static <T> T required(T type, String what) {
            if (type == null) {
                throw new IllegalStateException("Pollen transport '" + Holder.CURRENT.name() + "' has no Unix domain "
                        + what + " channel, but -D" + FAMILY_PROPERTY + "=unix asks for one");
            }
            return type;
        }
    }

    /** One directory per JVM for the socket paths; listeners delete their files, the hook cleans up the rest. */
    private static final class SocketDir {
        static final AtomicInteger COUNTER = new AtomicInteger();
        static final Path DIR = create();

        private static Path create() {
            try {
                Path dir = Files.createTempDirectory("pollen-uds");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try (Stream<Path> files = Files.list(dir)) {
                        files.forEach(f -> f.toFile().delete());
                    } catch (IOException ignored) {
                        // Best effort.
                    }
                    dir.toFile().delete();
                }));
                return dir;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a directory for Unix socket paths", e);
            }
        }
    }
}
