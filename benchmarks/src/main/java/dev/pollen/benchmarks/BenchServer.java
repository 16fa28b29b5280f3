package dev.pollen.benchmarks;

import dev.pollen.channel.PollenChannelOption;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * One benchmark server: a single event-loop thread of the chosen transport serving seven listeners:
 * <ul>
 * <li>http: HTTP/1.1 plaintext through the hand-written {@link HttpPlaintextHandler};</li>
 * <li>echo: TCP echo ({@link EchoHandler});</li>
 * <li>churn: one plaintext request per connection, then the server closes;</li>
 * <li>udp: UDP echo;</li>
 * <li>stream: TCP echo too, on its own port for the streaming workload (large messages);</li>
 * <li>httpcodec: HTTP/1.1 plaintext through Netty's {@link HttpServerCodec} and
 * {@link HttpCodecPlaintextHandler}, the same bytes on the wire as http;</li>
 * <li>httpmin: HTTP/1.1 through Netty's {@link HttpServerCodec} and one {@link HttpMinimalHandler}
 * shared by all connections, a 78-byte response (two headers, no Date).</li>
 * </ul>
 * Prints its PID and ports, then runs until killed.
 *
 * <pre>java dev.pollen.benchmarks.BenchServer TRANSPORT [HOST]</pre>
 * TRANSPORT is one of pollen-epoll, pollen-epoll-nobatch (write batching off), pollen-epoll-syscalls
 * (io_uring off: held writes made one system call each), netty-epoll,
 * netty-io_uring, netty-nio; HOST defaults to
 * 127.0.0.1. Ports are chosen by the kernel unless
 * -Dbench.httpPort/echoPort/churnPort/udpPort/streamPort/httpcodecPort/httpminPort say.
 */
public final class BenchServer {
    private BenchServer() {
    }

    /** The factory and channel classes of one transport; writeBatching is Pollen's option, null for Netty's. */
    private record Transport(IoHandlerFactory factory, Class<? extends ServerChannel> server,
                             Class<? extends DatagramChannel> datagram, Boolean writeBatching) {
        Transport(IoHandlerFactory factory, Class<? extends ServerChannel> server,
                  Class<? extends DatagramChannel> datagram) {
            this(factory, server, datagram, null);
        }
    }

    private static Transport transport(String name) {
        switch (name) {
            case "pollen-epoll":
            case "pollen-epoll-nobatch": // WRITE_BATCHING off, to measure what it buys
            case "pollen-epoll-syscalls": // io_uring off: one system call per held write
                if (name.endsWith("-syscalls")) {
                    System.setProperty(dev.pollen.channel.epoll.Epoll.IO_URING_PROPERTY, "false");
                }
                dev.pollen.channel.epoll.Epoll.ensureAvailability();
                return new Transport(dev.pollen.channel.epoll.EpollIoHandler.newFactory(),
                        dev.pollen.channel.epoll.EpollServerSocketChannel.class,
                        dev.pollen.channel.epoll.EpollDatagramChannel.class, !name.endsWith("-nobatch"));
            case "netty-epoll":
                io.netty.channel.epoll.Epoll.ensureAvailability();
                return new Transport(io.netty.channel.epoll.EpollIoHandler.newFactory(),
                        io.netty.channel.epoll.EpollServerSocketChannel.class,
                        io.netty.channel.epoll.EpollDatagramChannel.class);
            case "netty-io_uring":
                io.netty.channel.uring.IoUring.ensureAvailability();
                return new Transport(io.netty.channel.uring.IoUringIoHandler.newFactory(),
                        io.netty.channel.uring.IoUringServerSocketChannel.class,
                        io.netty.channel.uring.IoUringDatagramChannel.class);
            case "netty-nio":
                return new Transport(NioIoHandler.newFactory(), NioServerSocketChannel.class,
                        NioDatagramChannel.class);
            default:
                throw new IllegalArgumentException("unknown transport " + name
                        + " (pollen-epoll, pollen-epoll-nobatch, pollen-epoll-syscalls, netty-epoll, netty-io_uring, netty-nio)");
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: BenchServer pollen-epoll|pollen-epoll-nobatch|pollen-epoll-syscalls|netty-epoll|netty-io_uring|netty-nio [host]");
            System.exit(2);
        }
        Transport t = transport(args[0]);
        String host = args.length > 1 ? args[1] : "127.0.0.1";
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, t.factory());
        PlaintextResponse response = new PlaintextResponse();
        // The Date header changes once a second, on the loop thread that reads it.
        group.next().scheduleAtFixedRate(response::refresh, 1000 - System.currentTimeMillis() % 1000,
                1000, TimeUnit.MILLISECONDS);

        Channel http = listen(group, t, host, Integer.getInteger("bench.httpPort", 0),
                () -> new HttpPlaintextHandler(response, false));
        Channel echo = listen(group, t, host, Integer.getInteger("bench.echoPort", 0), EchoHandler::new);
        Channel churn = listen(group, t, host, Integer.getInteger("bench.churnPort", 0),
                () -> new HttpPlaintextHandler(response, true));
        Channel udp = new Bootstrap().group(group).channel(t.datagram())
                .handler(new UdpEchoHandler())
                .bind(new InetSocketAddress(host, Integer.getInteger("bench.udpPort", 0))).sync().channel();
        Channel stream = listen(group, t, host, Integer.getInteger("bench.streamPort", 0), EchoHandler::new);
        Channel httpCodec = listen(group, t, host, Integer.getInteger("bench.httpcodecPort", 0),
                HttpServerCodec::new, () -> new HttpCodecPlaintextHandler(response));
        HttpMinimalHandler shared = new HttpMinimalHandler();
        Channel httpMin = listen(group, t, host, Integer.getInteger("bench.httpminPort", 0),
                HttpServerCodec::new, () -> shared);

        System.out.println("PID " + ProcessHandle.current().pid());
        System.out.println("PORTS http=" + port(http) + " echo=" + port(echo) + " churn=" + port(churn)
                + " udp=" + port(udp) + " stream=" + port(stream) + " httpcodec=" + port(httpCodec)
                + " httpmin=" + port(httpMin)
                + " transport=" + args[0]);
        System.out.flush();
        http.closeFuture().sync();
    }

    private interface HandlerFactory {
        ChannelHandler create();
    }

    /** A listener whose connections get what each factory creates (a new or a shared handler), in this order. */
    private static Channel listen(EventLoopGroup group, Transport t, String host, int port, HandlerFactory... handlers)
            throws InterruptedException {
        ServerBootstrap b = new ServerBootstrap().group(group).channel(t.server())
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true);
        if (t.writeBatching() != null) {
            b.childOption(PollenChannelOption.WRITE_BATCHING, t.writeBatching());
        }
        return b.childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        for (HandlerFactory h : handlers) {
                            ch.pipeline().addLast(h.create());
                        }
                    }
                })
                .bind(new InetSocketAddress(host, port)).sync().channel();
    }

    private static int port(Channel ch) {
        return ((InetSocketAddress) ch.localAddress()).getPort();
    }
}
