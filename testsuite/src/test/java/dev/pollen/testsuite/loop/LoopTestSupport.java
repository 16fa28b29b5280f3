package dev.pollen.testsuite.loop;

import dev.pollen.channel.core.AbstractPollenChannel;
import dev.pollen.testsuite.PollenTransports;
import dev.pollen.channel.core.PollenIoHandler;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;

import java.net.InetSocketAddress;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Helpers of the event-loop tests: loopback addresses, echo servers and loop counters, for the transport under test. */
final class LoopTestSupport {
    static final InetSocketAddress ANY_LOOPBACK_PORT = new InetSocketAddress("127.0.0.1", 0);

    private LoopTestSupport() {
    }

    static EventLoopGroup newGroup(int threads) {
        return new MultiThreadIoEventLoopGroup(threads, PollenTransports.current().newIoHandlerFactory());
    }

    static void shutdown(EventLoopGroup... groups) {
        for (EventLoopGroup g : groups) {
            if (g != null) {
                g.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
            }
        }
    }

    /** Runs {@code task} on {@code loop} and waits for its result. */
    static <T> T onLoop(EventLoop loop, Callable<T> task) throws Exception {
        return loop.submit(task).get(60, TimeUnit.SECONDS);
    }

    static int registrations(EventLoop loop) throws Exception {
        return onLoop(loop, () -> PollenIoHandler.current().registrationCount());
    }

    /**
     * Waits (up to 60 s) for the loop's registration count to reach {@code expected}, for closes
     * that finish asynchronously (a peer noticing end of stream); returns the last count seen.
     */
    static int awaitRegistrations(EventLoop loop, int expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        int n = registrations(loop);
        while (n != expected && System.nanoTime() < deadline) {
            Thread.sleep(5);
            n = registrations(loop);
        }
        return n;
    }

    static long staleEvents(EventLoop loop) throws Exception {
        return onLoop(loop, () -> PollenIoHandler.current().staleEventCount());
    }

    static long wakeups(EventLoop loop) throws Exception {
        return onLoop(loop, () -> PollenIoHandler.current().wakeupCount());
    }

    /** An echo server bound to 127.0.0.1 on an ephemeral port. */
    static Channel echoServer(EventLoopGroup group) throws InterruptedException {
        return new ServerBootstrap().group(group).channel(PollenTransports.current().serverSocketChannelClass())
                .childHandler(new EchoHandler())
                .bind(ANY_LOOPBACK_PORT).sync().channel();
    }

    @ChannelHandler.Sharable
    static final class EchoHandler extends ChannelInboundHandlerAdapter {
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
    static final class Collector extends SimpleChannelInboundHandler<ByteBuf> {
        final CompletableFuture<byte[]> done = new CompletableFuture<>();
        private final byte[] data;
        private int received;

        Collector(int expected) {
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

    /** A new, unregistered client channel of the transport under test. */
    static AbstractPollenChannel newSocketChannel() {
        try {
            return (AbstractPollenChannel) PollenTransports.current().socketChannelClass().getConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
