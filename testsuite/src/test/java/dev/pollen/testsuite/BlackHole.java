package dev.pollen.testsuite;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A loopback address whose connection attempts never complete: a listener that never accepts, with its
 * accept queue filled, so the kernel drops further SYNs. Netty's connection-timeout and cancellation tests
 * need such a "bad host"; since the tests may only talk to this machine, {@code io.netty.testsuite.badHost}
 * points here instead of a remote address.
 *
 * <p>Each test JVM makes its own, on an address of 127.0.0.0/8 no other JVM holds, when the JUnit launcher
 * session opens (registered as a {@link LauncherSessionListener}), before Netty's
 * {@code SocketTestPermutation} reads the property: builds running side by side on one machine never share
 * or steal a black hole. The port is {@value #PORT}, the testsuite's {@code io.netty.testsuite.badPort}.
 */
public final class BlackHole implements LauncherSessionListener {
    public static final int PORT = 65535;

    private static final List<AutoCloseable> KEEP = new ArrayList<>();
    private static InetSocketAddress address;

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        ensure();
    }

    /** Makes this JVM's black hole if it has none yet, sets io.netty.testsuite.badHost, and returns it. */
    public static synchronized InetSocketAddress ensure() {
        if (address != null) {
            return address;
        }
        IOException last = null;
        for (int attempt = 0; attempt < 100; attempt++) {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            InetSocketAddress candidate = new InetSocketAddress(
                    "127." + (1 + random.nextInt(254)) + "." + random.nextInt(256) + "." + (1 + random.nextInt(254)), PORT);
            try {
                fill(candidate);
                address = candidate;
                System.setProperty("io.netty.testsuite.badHost", candidate.getHostString());
                System.setProperty("io.netty.testsuite.badPort", String.valueOf(PORT));
                return candidate;
            } catch (BindException taken) {
                last = taken; // another JVM's: try another address
            } catch (IOException e) {
                throw new UncheckedIOException("could not set up a black hole at " + candidate, e);
            }
        }
        throw new UncheckedIOException("no free loopback address for a black hole", last);
    }

    private static void fill(InetSocketAddress candidate) throws IOException {
        ServerSocket listener = new ServerSocket();
        try {
            listener.bind(candidate, 1);
        } catch (IOException e) {
            listener.close();
            throw e;
        }
        KEEP.add(listener);
        for (int i = 0; i < 16; i++) {
            Socket s = new Socket();
            try {
                s.connect(candidate, 200);
                KEEP.add(s);
            } catch (SocketTimeoutException full) {
                s.close();
                return; // the queue is full: SYNs are dropped from now on
            }
        }
        throw new IllegalStateException("could not fill the accept queue of " + candidate);
    }
}
