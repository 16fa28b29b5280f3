package dev.pollen.testsuite.loop;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The client side of {@link PollenManyConnectionsTest}, in a JVM of its own so that its
 * descriptors do not count against the server's: opens N connections to an echo server, makes
 * every one of them echo one byte (all readable at once on the server), prints {@code OPEN N},
 * waits for a line on standard input, closes them all and prints {@code CLOSED}.
 */
public final class ConnectionHolder {
    private ConnectionHolder() {
    }

    public static void main(String[] args) throws Exception {
        InetSocketAddress server = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
        int count = Integer.parseInt(args[2]);
        List<SocketChannel> connections = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            connections.add(SocketChannel.open(server));
        }
        for (SocketChannel c : connections) {
            c.write(ByteBuffer.wrap(new byte[] {42}));
        }
        ByteBuffer one = ByteBuffer.allocate(1);
        for (SocketChannel c : connections) {
            one.clear();
            while (one.hasRemaining()) {
                if (c.read(one) < 0) {
                    throw new IllegalStateException("the server closed a connection before echoing");
                }
            }
            if (one.get(0) != 42) {
                throw new IllegalStateException("wrong echo: " + one.get(0));
            }
        }
        System.out.println("OPEN " + count);
        System.out.flush();
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII)).readLine();
        for (SocketChannel c : connections) {
            c.close();
        }
        System.out.println("CLOSED");
        System.out.flush();
    }
}
