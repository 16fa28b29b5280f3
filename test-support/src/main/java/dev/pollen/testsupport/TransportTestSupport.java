package dev.pollen.testsupport;

import dev.pollen.channel.core.PollenIoHandler;
import dev.pollen.transport.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;

import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The helpers every transport's tests share, for any {@link Transport}: event loop groups, echo
 * servers, a byte collector and the loop's counters. Waits last up to {@link #DEADLINE_SECONDS}, so
 * a busy machine slows a test down without failing it.
 */
public final class TransportTestSupport {
    public static final InetSocketAddress ANY_LOOPBACK_PORT = new InetSocketAddress("127.0.0.1", 0);
    /** How long a test waits for something it expects before it fails. */
    public static final long DEADLINE_SECONDS = 60;

    private TransportTestSupport() {
    }

    public static EventLoopGroup newGroup(Transport transport, int threads) {
        return transport.newEventLoopGroup(threads);
    }

    public static void shutdown(EventLoopGroup... groups) {
        for (EventLoopGroup g : groups) {
            if (g != null) {
                g.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
            }
        }
    }

    /** Runs {@code test} on a new, unregistered channel from {@code factory}, then closes the channel. */
    public static <C extends Channel> void withNewChannel(ChannelFactory<? extends C> factory, Consumer<? super C> test) {
        C ch = factory.newChannel();
        try {
            test.accept(ch);
        } finally {
            ch.unsafe().closeForcibly();
        }
    }

    /** Sets {@code option} to {@code value} and reads it back: an AssertionError names the option if either fails. */
    public static <V> void roundTrip(ChannelConfig config, ChannelOption<V> option, V value) {
        if (!config.setOption(option, value)) {
            throw new AssertionError(option + " not accepted");
        }
        V read = config.getOption(option);
        if (!Objects.equals(value, read)) {
            throw new AssertionError(option.name() + ": set " + value + ", read back " + read);
        }
    }

    /** Runs {@code task} on {@code loop} and waits for its result. */
    public static <T> T onLoop(EventLoop loop, Callable<T> task) throws Exception {
        return loop.submit(task).get(DEADLINE_SECONDS, TimeUnit.SECONDS);
    }

    public static int registrations(EventLoop loop) throws Exception {
        return onLoop(loop, () -> PollenIoHandler.current().registrationCount());
    }

    /**
     * Waits for the loop's registration count to reach {@code expected}, for closes that finish
     * asynchronously (a peer noticing end of stream); returns the last count seen.
     */
    public static int awaitRegistrations(EventLoop loop, int expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);
        int n = registrations(loop);
        while (n != expected && System.nanoTime() < deadline) {
            Thread.sleep(5);
            n = registrations(loop);
        }
        return n;
    }

    public static long staleEvents(EventLoop loop) throws Exception {
        return onLoop(loop, () -> PollenIoHandler.current().staleEventCount());
    }

    public static long wakeups(EventLoop loop) throws Exception {
        return onLoop(loop, () -> PollenIoHandler.current().wakeupCount());
    }

    /** An echo server of {@code transport} bound to 127.0.0.1 on an ephemeral port. */
    public static Channel echoServer(Transport transport, EventLoopGroup group) throws InterruptedException {
        return new ServerBootstrap().group(group).channelFactory(transport.serverSocketChannelFactory())
                .childHandler(new EchoHandler())
                .bind(ANY_LOOPBACK_PORT).sync().channel();
    }

    /** A new, unregistered client channel of {@code transport}. */
    public static Channel newSocketChannel(Transport transport) {
        return transport.socketChannelFactory().newChannel();
    }

    /** Writes back whatever it reads; closes on an exception. */
    @ChannelHandler.Sharable
    public static final class EchoHandler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.writeAndFlush(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** Collects inbound bytes until {@code expected} have arrived; releases every buffer. */
    public static final class Collector extends SimpleChannelInboundHandler<ByteBuf> {
        public final CompletableFuture<byte[]> done = new CompletableFuture<>();
        private final byte[] data;
        private int received;

        public Collector(int expected) {
            data = new byte[expected];
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
            int n = Math.min(msg.readableBytes(), data.length - received);
            msg.readBytes(data, received, n);
            received += n;
            if (received == data.length) {
                done.complete(data);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            done.completeExceptionally(cause);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (!done.isDone()) {
                done.completeExceptionally(new IllegalStateException("closed after " + received + " bytes"));
            }
        }
    }
}
