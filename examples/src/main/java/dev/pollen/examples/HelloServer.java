package dev.pollen.examples;

import dev.pollen.channel.epoll.Epoll;
import dev.pollen.channel.epoll.EpollIoHandler;
import dev.pollen.channel.epoll.EpollServerSocketChannel;
import dev.pollen.channel.kqueue.KQueue;
import dev.pollen.channel.kqueue.KQueueIoHandler;
import dev.pollen.channel.kqueue.KQueueServerSocketChannel;
import dev.pollen.channel.wepoll.Wepoll;
import dev.pollen.channel.wepoll.WepollIoHandler;
import dev.pollen.channel.wepoll.WepollServerSocketChannel;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * An HTTP server on the best transport available here, saying which one it uses.
 * {@code --self-test} (or {@code -Dpollen.demo.selfTest=true}) makes one request to itself, prints
 * the answer and exits; {@code -Dport=N} picks the port (default 8080).
 * The self test waits for the answer as long as a busy machine may need, never a short fixed
 * time: until {@code -Dpollen.demo.selfTestDeadline=S} seconds (default 120) have passed, it
 * retries a connection that fails and waits for a whole answer; it fails on a wrong answer at
 * once, and with "no answer within S s" at the deadline.
 */
public final class HelloServer {
    private HelloServer() {
    }

    public static void main(String[] args) throws Exception {
        boolean selfTest = Boolean.getBoolean("pollen.demo.selfTest")
                || args.length > 0 && "--self-test".equals(args[0]);
        int port = Integer.getInteger("port", selfTest ? 0 : 8080);

        IoHandlerFactory factory;
        Class<? extends ServerChannel> channelClass;
        String transport;
        // Each transport loads only on its own OS, so at most one of these is available.
        if (Epoll.isAvailable()) {
            factory = EpollIoHandler.newFactory();
            channelClass = EpollServerSocketChannel.class;
            transport = "Pollen epoll";
        } else if (KQueue.isAvailable()) {
            factory = KQueueIoHandler.newFactory();
            channelClass = KQueueServerSocketChannel.class;
            transport = "Pollen kqueue";
        } else if (Wepoll.isAvailable()) {
            factory = WepollIoHandler.newFactory();
            channelClass = WepollServerSocketChannel.class;
            transport = "Pollen wepoll";
        } else {
            factory = NioIoHandler.newFactory();
            channelClass = NioServerSocketChannel.class;
            transport = "Netty NIO (no Pollen transport here: " + Epoll.unavailabilityCause() + "; "
                    + KQueue.unavailabilityCause() + "; " + Wepoll.unavailabilityCause() + ")";
        }
        String greeting = "Hello from Pollen! This server runs on " + transport + ".\n";

        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, factory);
        try {
            Channel server = new ServerBootstrap().group(group).channel(channelClass)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                                    new Hello(greeting));
                        }
                    }).bind(new InetSocketAddress("127.0.0.1", port)).sync().channel();
            int bound = ((InetSocketAddress) server.localAddress()).getPort();
            System.out.println("Pollen demo: http://127.0.0.1:" + bound + "/ on " + transport);
            if (selfTest) {
                long deadlineSeconds = Long.getLong("pollen.demo.selfTestDeadline", 120);
                String answer = get(bound, System.nanoTime() + TimeUnit.SECONDS.toNanos(deadlineSeconds),
                        deadlineSeconds);
                System.out.print(answer);
                if (!answer.contains(greeting.trim())) {
                    throw new IllegalStateException("unexpected answer: " + answer);
                }
                server.close().sync();
            } else {
                server.closeFuture().sync();
            }
        } finally {
            group.shutdownGracefully().sync();
        }
    }

    /**
     * One GET to the server, answered in full (it closes the connection), before {@code deadline}
     * ({@link System#nanoTime()}); a connection that cannot be made or is cut is tried again
     * until then.
     */
    private static String get(int port, long deadline, long deadlineSeconds) throws Exception {
        IOException last = null;
        while (true) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                IllegalStateException e = new IllegalStateException("self test: no answer from http://127.0.0.1:"
                        + port + "/ within " + deadlineSeconds + " s (-Dpollen.demo.selfTestDeadline)");
                if (last != null) {
                    e.addSuppressed(last);
                }
                throw e;
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), (int) Math.min(left, Integer.MAX_VALUE));
                s.getOutputStream().write(("GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                return readToEnd(s, deadline);
            } catch (SocketTimeoutException e) {
                last = e; // the deadline has passed: reported above
            } catch (IOException e) {
                last = e;
                Thread.sleep(Math.min(100, Math.max(1, left)));
            }
        }
    }

    /** Everything up to the server's close, each read waiting at most until the deadline. */
    private static String readToEnd(Socket s, long deadline) throws IOException {
        InputStream in = s.getInputStream();
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        while (true) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                throw new SocketTimeoutException("answer incomplete at the deadline: "
                        + answer.toString(StandardCharsets.UTF_8));
            }
            s.setSoTimeout((int) Math.min(left, Integer.MAX_VALUE));
            int n = in.read(buf);
            if (n < 0) {
                return answer.toString(StandardCharsets.UTF_8);
            }
            answer.write(buf, 0, n);
        }
    }

    private static final class Hello extends SimpleChannelInboundHandler<HttpRequest> {
        private final ByteBuf body;

        Hello(String greeting) {
            body = Unpooled.unreleasableBuffer(
                    Unpooled.directBuffer().writeBytes(greeting.getBytes(StandardCharsets.UTF_8)));
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpRequest request) {
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    body.duplicate());
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            HttpUtil.setKeepAlive(response, keepAlive);
            if (keepAlive) {
                ctx.writeAndFlush(response);
            } else {
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            }
        }
    }
}
