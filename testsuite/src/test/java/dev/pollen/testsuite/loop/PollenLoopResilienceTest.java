package dev.pollen.testsuite.loop;

import dev.pollen.channel.core.PollenIoHandler;
import dev.pollen.testsuite.PollenTransports;
import dev.pollen.testsupport.TransportTestSupport;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a loop must survive on every transport and JDK: waits that fill the event buffer, shutdown,
 * large gathered writes ending in half-closure, and storms of resets, each followed by proof that
 * every channel still works and nothing was logged or thrown on the loop thread.
 */
class PollenLoopResilienceTest {
    private static final long DEADLINE_SECONDS = 60;

    private final Queue<Throwable> uncaught = new ConcurrentLinkedQueue<>();
    private final List<EventLoopGroup> groups = new ArrayList<>();

    @AfterEach
    void tearDown() {
        TransportTestSupport.shutdown(groups.toArray(new EventLoopGroup[0]));
        assertTrue(uncaught.isEmpty(), "uncaught on a loop thread: " + uncaught);
    }

    /** A group whose threads record anything thrown out of them. */
    private EventLoopGroup group(int threads, int maxEvents) {
        DefaultThreadFactory threadFactory = new DefaultThreadFactory("resilience", true) {
            @Override
            protected Thread newThread(Runnable r, String name) {
                Thread t = super.newThread(r, name);
                t.setUncaughtExceptionHandler((thread, e) -> uncaught.add(e));
                return t;
            }
        };
        EventLoopGroup g = new MultiThreadIoEventLoopGroup(threads, threadFactory,
                PollenTransports.current().newIoHandlerFactory(maxEvents));
        groups.add(g);
        return g;
    }

    @Test
    void aWaitThatFillsTheEventBufferGrowsItAndEveryChannelKeepsWorking() throws Exception {
        EventLoopGroup group = group(1, 4);
        Channel server = TransportTestSupport.echoServer(PollenTransports.transport(), group);
        EventLoop loop = server.eventLoop();
        assertEquals(4, TransportTestSupport.onLoop(loop, () -> PollenIoHandler.current().eventCapacity()));
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        List<Socket> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 64; i++) {
                Socket s = new Socket("127.0.0.1", port);
                s.setSoTimeout((int) TimeUnit.SECONDS.toMillis(DEADLINE_SECONDS));
                clients.add(s);
            }
            // Every round makes all 64 readable at once: far more ready events than the first buffer holds.
            for (int round = 0; round < 20; round++) {
                for (int i = 0; i < clients.size(); i++) {
                    clients.get(i).getOutputStream().write(("r" + round + "c" + i).getBytes(StandardCharsets.US_ASCII));
                }
                for (int i = 0; i < clients.size(); i++) {
                    byte[] expected = ("r" + round + "c" + i).getBytes(StandardCharsets.US_ASCII);
                    assertArrayEquals(expected, clients.get(i).getInputStream().readNBytes(expected.length),
                            "round " + round + ", client " + i);
                }
            }
            int capacity = TransportTestSupport.onLoop(loop, () -> PollenIoHandler.current().eventCapacity());
            assertTrue(capacity >= 8, "the event buffer never grew: " + capacity);
            assertEquals(65, TransportTestSupport.registrations(loop), "the listener and 64 connections");
        } finally {
            for (Socket s : clients) {
                s.close();
            }
        }
        assertEquals(1, TransportTestSupport.awaitRegistrations(loop, 1), "the closed connections leave the loop");
    }

    @Test
    void loopShutdownLogsNothingAtWarnOrAbove() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        root.addAppender(appender);
        try {
            EventLoopGroup group = group(2, 2);
            Channel server = TransportTestSupport.echoServer(PollenTransports.transport(), group);
            // Traffic that makes a loop allocate everything it owns: a grown event buffer, the iovec
            // array (gathering writes), the scratch buffer (heap buffers) and, where the transport has
            // UDP, the datagram arrays.
            List<Channel> clients = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                TransportTestSupport.Collector collector = new TransportTestSupport.Collector(3 * 70_000);
                Channel client = new Bootstrap().group(group).channel(PollenTransports.current().socketChannelClass())
                        .handler(collector).connect(server.localAddress()).sync().channel();
                client.write(Unpooled.wrappedBuffer(new byte[70_000]));
                client.write(Unpooled.directBuffer(70_000).writeZero(70_000));
                client.writeAndFlush(Unpooled.wrappedBuffer(new byte[70_000]));
                collector.done.get(DEADLINE_SECONDS, TimeUnit.SECONDS);
                clients.add(client);
            }
            if (PollenTransports.current().datagramChannelClass() != null) {
                udpRoundTrip(group);
            }
            for (EventLoopGroup g : groups) {
                assertTrue(g.shutdownGracefully(0, 5, TimeUnit.SECONDS).await(DEADLINE_SECONDS, TimeUnit.SECONDS),
                        "the group terminates");
            }
            groups.clear();
        } finally {
            root.detachAppender(appender);
            appender.stop();
        }
        List<String> loud = appender.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                .map(e -> e.getLevel() + " " + e.getLoggerName() + ": " + e.getFormattedMessage()
                        + (e.getThrowableProxy() == null ? "" : " " + e.getThrowableProxy().getClassName()
                        + ": " + e.getThrowableProxy().getMessage()))
                .collect(Collectors.toList());
        assertEquals(List.of(), loud, "logged at WARN or above");
    }

    private static void udpRoundTrip(EventLoopGroup group) throws Exception {
        Class<? extends io.netty.channel.socket.DatagramChannel> type = PollenTransports.current().datagramChannelClass();
        CompletableFuture<String> answer = new CompletableFuture<>();
        Channel echo = new Bootstrap().group(group).channel(type).handler(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                io.netty.channel.socket.DatagramPacket p = (io.netty.channel.socket.DatagramPacket) msg;
                ctx.writeAndFlush(new io.netty.channel.socket.DatagramPacket(p.content(), p.sender()));
            }
        }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        Channel client = new Bootstrap().group(group).channel(type).handler(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                io.netty.channel.socket.DatagramPacket p = (io.netty.channel.socket.DatagramPacket) msg;
                answer.complete(p.content().toString(StandardCharsets.US_ASCII));
                p.release();
            }
        }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        client.writeAndFlush(new io.netty.channel.socket.DatagramPacket(
                Unpooled.copiedBuffer("ping", StandardCharsets.US_ASCII), (InetSocketAddress) echo.localAddress()));
        assertEquals("ping", answer.get(DEADLINE_SECONDS, TimeUnit.SECONDS));
    }

    /** Echoes in batches (write in channelRead, flush in channelReadComplete); answers EOF with its own. */
    @ChannelHandler.Sharable
    private static final class HalfClosingEcho extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) {
                ctx.flush();
                // Both halves are then shut: the channel is done (Netty leaves the close to the handler).
                ((DuplexChannel) ctx.channel()).shutdownOutput().addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** Collects everything until the peer's EOF. */
    private static final class UntilEof extends ChannelInboundHandlerAdapter {
        final CompletableFuture<byte[]> done = new CompletableFuture<>();
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            try {
                buf.readBytes(received, buf.readableBytes());
            } catch (java.io.IOException e) {
                done.completeExceptionally(e);
            } finally {
                buf.release();
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) {
                done.complete(received.toByteArray());
                ctx.close();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            done.completeExceptionally(cause);
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            done.completeExceptionally(new IllegalStateException("closed after " + received.size() + " bytes"));
        }
    }

    @Test
    void largeGatheredWritesEndingInHalfClosureComeBackWhole() throws Exception {
        EventLoopGroup group = group(2, 0);
        Channel server = new ServerBootstrap().group(group).channel(PollenTransports.current().serverSocketChannelClass())
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new HalfClosingEcho())
                .bind(TransportTestSupport.ANY_LOOPBACK_PORT).sync().channel();
        int connections = 64;
        int size = 1 << 20;
        List<byte[]> sent = new ArrayList<>();
        List<UntilEof> collectors = new ArrayList<>();
        Random random = new Random(42);
        for (int c = 0; c < connections; c++) {
            byte[] data = new byte[size];
            random.nextBytes(data);
            UntilEof collector = new UntilEof();
            Channel client = new Bootstrap().group(group).channel(PollenTransports.current().socketChannelClass())
                    .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(collector);
                        }
                    })
                    .connect(server.localAddress()).sync().channel();
            // Random chunks, heap and direct, many per flush: gathering writes of every shape.
            int off = 0;
            while (off < size) {
                int len = Math.min(size - off, 1 + random.nextInt(random.nextBoolean() ? 512 : 96 * 1024));
                ByteBuf chunk = random.nextBoolean() ? Unpooled.directBuffer(len) : Unpooled.buffer(len);
                chunk.writeBytes(data, off, len);
                off += len;
                if (random.nextInt(8) == 0) {
                    client.writeAndFlush(chunk);
                } else {
                    client.write(chunk);
                }
            }
            client.flush();
            ((DuplexChannel) client).shutdownOutput();
            sent.add(data);
            collectors.add(collector);
        }
        for (int c = 0; c < connections; c++) {
            byte[] echoed = collectors.get(c).done.get(DEADLINE_SECONDS * 2, TimeUnit.SECONDS);
            assertEquals(size, echoed.length, "connection " + c);
            assertTrue(Arrays.equals(sent.get(c), echoed), "connection " + c + " came back altered");
        }
        EventLoop serverLoop = server.eventLoop();
        int left = 0;
        for (EventLoopGroup g : groups) {
            for (io.netty.util.concurrent.EventExecutor e : g) {
                left += e == serverLoop ? TransportTestSupport.awaitRegistrations((EventLoop) e, 1) - 1
                        : TransportTestSupport.awaitRegistrations((EventLoop) e, 0);
            }
        }
        assertEquals(0, left, "channels still registered after both sides closed");
    }

    @Test
    void thousandsOfResetConnectionsLeaveTheServerWorking() throws Exception {
        EventLoopGroup group = group(1, 0);
        Channel server = TransportTestSupport.echoServer(PollenTransports.transport(), group);
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        int storm = 2000;
        int batch = 200;
        for (int done = 0; done < storm; done += batch) {
            List<Socket> sockets = new ArrayList<>();
            for (int i = 0; i < batch; i++) {
                Socket s = new Socket("127.0.0.1", port);
                s.setSoLinger(true, 0);
                sockets.add(s);
                if (i % 2 == 0) {
                    // Half of them leave data behind; the server's echo meets the reset.
                    s.getOutputStream().write(new byte[1024]);
                }
            }
            for (Socket s : sockets) {
                s.close(); // SO_LINGER 0: a reset, not a FIN
            }
        }
        assertEquals(1, TransportTestSupport.awaitRegistrations(server.eventLoop(), 1),
                "every reset connection left the loop");
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout((int) TimeUnit.SECONDS.toMillis(DEADLINE_SECONDS));
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            for (int i = 0; i < 1000; i++) {
                byte[] message = ("round trip " + i).getBytes(StandardCharsets.US_ASCII);
                out.write(message);
                assertArrayEquals(message, in.readNBytes(message.length), "round trip " + i);
            }
        }
    }
}
