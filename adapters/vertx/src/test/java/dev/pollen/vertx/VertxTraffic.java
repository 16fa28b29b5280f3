package dev.pollen.vertx;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.impl.ConnectionBase;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real traffic through Vert.x's servers and clients, and the Netty channels that carried it, for
 * the Pollen tests and the NIO fallback test alike. Every wait is on an event, with a generous
 * deadline.
 */
final class VertxTraffic {
    static final long DEADLINE_SECONDS = 60;

    private VertxTraffic() {
    }

    static <T> T await(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(DEADLINE_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("no result within " + DEADLINE_SECONDS + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    static <T> T await(CompletableFuture<T> future) {
        return await(Future.fromCompletionStage(future));
    }

    // ------------------------------------------------------------------------------ channels

    /** The Netty channel under a Vert.x TCP or domain socket connection. */
    static Channel channel(NetSocket socket) {
        return ((NetSocketInternal) socket).channelHandlerContext().channel();
    }

    /** The Netty channel under an HTTP/1 connection (Vert.x's internal {@code ConnectionBase#channel()}). */
    static Channel channel(HttpConnection connection) {
        if (connection instanceof ConnectionBase) {
            return ((ConnectionBase) connection).channel();
        }
        throw new AssertionError("not a ConnectionBase: " + connection.getClass().getName());
    }

    /** The Netty channel of a datagram socket: Vert.x keeps it in a private field of its implementation. */
    static Channel channel(DatagramSocket socket) {
        try {
            Field f = socket.getClass().getDeclaredField("channel");
            f.setAccessible(true);
            return (Channel) f.get(socket);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("cannot reach the channel of " + socket.getClass().getName(), e);
        }
    }

    /** Prints what carries the traffic, for the test report; called while the channel is open. */
    static void print(String label, String side, Channel ch) {
        System.out.println("[" + label + "] " + side + ": " + ch.getClass().getName()
                + (ch.parent() != null ? " (accepted by " + ch.parent().getClass().getName() + ")" : "")
                + ", event loop group " + ch.eventLoop().parent().getClass().getSimpleName()
                + ", local " + ch.localAddress() + ", remote " + ch.remoteAddress());
    }

    /** Asserts that {@code ch} is a {@code type} on one of Vert.x's event loops (I/O loops, or the acceptor loop for listeners). */
    static void assertCarriedBy(Class<?> type, Channel ch, Vertx vertx) {
        assertEquals(type, ch.getClass(), "channel class");
        VertxInternal vx = (VertxInternal) vertx;
        EventLoopGroup expected = ch.parent() == null && ch instanceof io.netty.channel.ServerChannel
                ? vx.acceptorEventLoopGroup() : vx.nettyEventLoopGroup();
        assertSame(expected, ch.eventLoop().parent(), "event loop group of " + ch);
    }

    // ------------------------------------------------------------------------------ traffic

    /** The channels an exchange saw: the client's (one of them, for HTTP) and the server's. */
    record Exchange(Channel client, List<Channel> server) {
    }

    /**
     * An echo {@link NetServer} at {@code address} (port 0: any), a {@link NetClient} that sends
     * {@code size} bytes in several writes and waits for all of them to come back.
     */
    static Exchange echo(String label, Vertx vertx, SocketAddress address, int size) {
        List<Channel> accepted = new ArrayList<>();
        NetServer server = vertx.createNetServer().connectHandler(so -> {
            print(label, "server", channel(so));
            synchronized (accepted) {
                accepted.add(channel(so));
            }
            so.handler(so::write);
        });
        await(server.listen(address));
        SocketAddress target = address.isDomainSocket() ? address
                : SocketAddress.inetSocketAddress(server.actualPort(), address.host());
        NetClient client = vertx.createNetClient();
        try {
            NetSocket so = await(client.connect(target));
            print(label, "client", channel(so));
            Buffer expected = pattern(size);
            Buffer received = Buffer.buffer(size);
            CompletableFuture<Buffer> done = new CompletableFuture<>();
            so.handler(b -> {
                received.appendBuffer(b);
                if (received.length() >= size) {
                    done.complete(received);
                }
            });
            so.exceptionHandler(done::completeExceptionally);
            for (int off = 0; off < size; off += 8192) {
                so.write(expected.slice(off, Math.min(size, off + 8192)));
            }
            assertEquals(expected, await(done), "echoed bytes");
            System.out.println("[" + label + "] " + size + " bytes echoed");
            Channel clientChannel = channel(so);
            await(so.close());
            synchronized (accepted) {
                return new Exchange(clientChannel, List.copyOf(accepted));
            }
        } finally {
            await(client.close());
            await(server.close());
        }
    }

    /**
     * An {@link HttpServer} at {@code address} answering each request with its body reversed, and
     * {@code requests} requests from an {@link HttpClient}, five at a time (the pool's size).
     */
    static Exchange http(String label, Vertx vertx, SocketAddress address, int requests) {
        Set<Channel> serverChannels = ConcurrentHashMap.newKeySet();
        HttpServer server = vertx.createHttpServer().requestHandler(req -> {
            if (serverChannels.add(channel(req.connection()))) {
                print(label, "server", channel(req.connection()));
            }
            req.body().onSuccess(body -> req.response()
                    .putHeader("x-path", req.path())
                    .end(new StringBuilder(body.toString()).reverse().toString()));
        });
        await(server.listen(address));
        SocketAddress target = address.isDomainSocket() ? address
                : SocketAddress.inetSocketAddress(server.actualPort(), address.host());
        HttpClient client = vertx.createHttpClient();
        Set<Channel> clientChannels = ConcurrentHashMap.newKeySet();
        try {
            List<Future<String>> all = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                String body = "request-" + i + "-" + "x".repeat(i * 100);
                String path = "/r/" + i;
                Future<String> f = client.request(new RequestOptions().setServer(target).setMethod(HttpMethod.POST)
                                .setHost("localhost").setURI(path))
                        .compose(req -> {
                            if (clientChannels.add(channel(req.connection()))) {
                                print(label, "client", channel(req.connection()));
                            }
                            return req.send(body);
                        })
                        .compose(resp -> checked(resp, path))
                        .compose(HttpClientResponse::body)
                        .map(Buffer::toString);
                all.add(f.map(got -> {
                    assertEquals(new StringBuilder(body).reverse().toString(), got, "response to " + path);
                    return got;
                }));
            }
            await(Future.all(all));
            assertTrue(clientChannels.size() <= 5, "at most the pool's 5 connections: " + clientChannels);
            System.out.println("[" + label + "] " + requests + " requests answered over " + clientChannels.size()
                    + " client and " + serverChannels.size() + " server connections");
            return new Exchange(clientChannels.iterator().next(), List.copyOf(serverChannels));
        } finally {
            await(client.close());
            await(server.close());
        }
    }

    private static Future<HttpClientResponse> checked(HttpClientResponse resp, String path) {
        if (resp.statusCode() != 200 || !path.equals(resp.getHeader("x-path"))) {
            return Future.failedFuture("unexpected response " + resp.statusCode() + " " + resp.headers());
        }
        return Future.succeededFuture(resp);
    }

    /** The two datagram sockets of {@link #udp} and the channels under them. */
    record Datagrams(Channel sender, Channel receiver) {
    }

    /**
     * Two datagram sockets on {@code host} (of the family {@code options} asks for): the sender
     * sends {@code count} datagrams one after the other, each once the previous one came back from
     * the receiver, which echoes them.
     */
    static Datagrams udp(String label, Vertx vertx, DatagramSocketOptions options, String host, int count) {
        DatagramSocket receiver = vertx.createDatagramSocket(new DatagramSocketOptions(options));
        DatagramSocket sender = vertx.createDatagramSocket(new DatagramSocketOptions(options));
        try {
            receiver.handler(p -> receiver.send(p.data(), p.sender().port(), p.sender().host()));
            await(receiver.listen(0, host));
            await(sender.listen(0, host));
            print(label, "sender", channel(sender));
            print(label, "receiver", channel(receiver));
            int port = receiver.localAddress().port();
            CompletableFuture<Void> done = new CompletableFuture<>();
            int[] next = {0};
            Consumer<Integer> send = i -> sender.send(Buffer.buffer("datagram-" + i), port, host)
                    .onFailure(done::completeExceptionally);
            sender.handler(p -> {
                String expected = "datagram-" + next[0];
                if (!expected.equals(p.data().toString())) {
                    done.completeExceptionally(new AssertionError("expected " + expected + ", got " + p.data()));
                } else if (++next[0] == count) {
                    done.complete(null);
                } else {
                    send.accept(next[0]);
                }
            });
            send.accept(0);
            await(done);
            System.out.println("[" + label + "] " + count + " datagrams sent and echoed");
            return new Datagrams(channel(sender), channel(receiver));
        } finally {
            await(sender.close());
            await(receiver.close());
        }
    }

    static Buffer pattern(int size) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) (i * 31 + (i >>> 8));
        }
        return Buffer.buffer(b);
    }

    // ------------------------------------------------------------------------------ logs

    /**
     * Netty's warnings and errors while a test runs (JUL: nothing else is on the class path): an
     * option a channel does not know ("Unknown channel option"), a failed one, a leak report.
     */
    static final class NettyWarnings extends Handler {
        private final Logger logger = Logger.getLogger("io.netty");
        private final List<String> seen = new ArrayList<>();

        NettyWarnings install() {
            logger.addHandler(this);
            return this;
        }

        @Override
        public synchronized void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                seen.add(record.getLoggerName() + ": " + record.getMessage()
                        + (record.getThrown() != null ? " " + record.getThrown() : ""));
            }
        }

        synchronized List<String> seen() {
            return List.copyOf(seen);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
            logger.removeHandler(this);
        }
    }
}
