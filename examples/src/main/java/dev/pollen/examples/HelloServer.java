package dev.pollen.examples;

import dev.pollen.transport.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
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

        // The best transport here: Pollen epoll, kqueue or wepoll, else NIO with the reason why.
        Transport t = Transport.select();
        String transport = t.isPollen() ? "Pollen " + t.name() : "Netty NIO (" + t.reason() + ")";
        String greeting = "Hello from Pollen! This server runs on " + transport + ".\n";

        EventLoopGroup group = t.newEventLoopGroup(1);
        try {
            Channel server = new ServerBootstrap().group(group).channelFactory(t.serverSocketChannelFactory())
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
