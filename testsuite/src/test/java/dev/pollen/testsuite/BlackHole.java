package dev.pollen.testsuite;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/**
 * A loopback address whose connection attempts never complete: a listener that never accepts, with its
 * accept queue filled, so the kernel drops further SYNs. Netty's connection-timeout and cancellation tests
 * need such a "bad host"; the surefire executions point {@code io.netty.testsuite.badHost/badPort} here
 * instead of a remote address, since the tests may only talk to this machine.
 */
public final class BlackHole {
    public static final String HOST = "127.0.0.42";
    public static final int PORT = 65535;

    private static final List<AutoCloseable> KEEP = new ArrayList<>();

    private BlackHole() {
    }

    public static synchronized void ensure() {
        if (!KEEP.isEmpty()) {
            return;
        }
        InetSocketAddress address = new InetSocketAddress(HOST, PORT);
        try {
            ServerSocket listener = new ServerSocket();
            listener.setReuseAddress(true);
            listener.bind(address, 1);
            KEEP.add(listener);
            for (int i = 0; i < 16; i++) {
                Socket s = new Socket();
                try {
                    s.connect(address, 200);
                    KEEP.add(s);
                } catch (SocketTimeoutException full) {
                    s.close();
                    return; // the queue is full: SYNs are dropped from now on
                }
            }
            throw new IllegalStateException("could not fill the accept queue of " + address);
        } catch (IOException e) {
            throw new UncheckedIOException("could not set up the black hole at " + address, e);
        }
    }
}
