package dev.pollen.testsuite;

import io.netty.bootstrap.AbstractBootstrap;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapFactory;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

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
 * <h2>Adding a transport (e.g. kqueue)</h2>
 * <ol>
 *   <li>Write one {@link PollenTransportPermutation} (see {@link EpollTransportPermutation}) and register it in
 *       {@link #REGISTRY} under its name.</li>
 *   <li>Add the transport's artifact as a test dependency and one {@code <execution>} to the surefire plugin in
 *       {@code testsuite/pom.xml}, copied from {@code testsuite-epoll}, with
 *       {@code pollen.testsuite.transport} and {@code reportNameSuffix} set to the new name (guard it with an
 *       OS-activated profile if it only runs on some platforms).</li>
 * </ol>
 * Nothing else: the test classes under {@code dev.pollen.testsuite} are transport independent. If a transport
 * must deviate from a Netty test, override the hook in the test class and document the reason right there.
 */
public final class PollenTransports {

    public static final String PROPERTY = "pollen.testsuite.transport";

    private static final int THREADS = 4;

    private static final Map<String, Supplier<PollenTransportPermutation>> REGISTRY = Map.of(
            "epoll", EpollTransportPermutation::new);

    private static PollenTransportPermutation selected;
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

    /** Pollen x Pollen, Pollen server x NIO client, NIO server x Pollen client. */
    public static List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> socket() {
        current();
        List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> combos = new ArrayList<>(3);
        combos.add(combo(Holder.POLLEN_SERVER, Holder.POLLEN_CLIENT));
        combos.add(combo(Holder.POLLEN_SERVER, Holder.NIO_CLIENT));
        combos.add(combo(Holder.NIO_SERVER, Holder.POLLEN_CLIENT));
        return combos;
    }

    /** Pollen server bootstraps only (for {@code AbstractServerSocketTest}). */
    public static List<BootstrapFactory<ServerBootstrap>> serverSocket() {
        current();
        return List.of(Holder.POLLEN_SERVER);
    }

    /** Pollen client bootstraps only (for {@code AbstractClientSocketTest}). */
    public static List<BootstrapFactory<Bootstrap>> clientSocket() {
        current();
        return List.of(Holder.POLLEN_CLIENT);
    }

    /** Whether {@code channel} belongs to the transport under test (as opposed to the NIO peer). */
    public static boolean isPollenChannel(Channel channel) {
        PollenTransportPermutation p = current();
        return p.socketChannelClass().isInstance(channel) || p.serverSocketChannelClass().isInstance(channel);
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
            String name, EventLoopGroup group, Class<? extends ServerSocketChannel> type) {
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
            String name, EventLoopGroup group, Class<? extends SocketChannel> type) {
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
}
