package dev.pollen.testsuite.core;

import dev.pollen.channel.PollenChannelOption;
import dev.pollen.testsuite.PollenTransports;
import dev.pollen.testsupport.TransportTestSupport;
import dev.pollen.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

import static dev.pollen.testsupport.TransportTestSupport.ANY_LOOPBACK_PORT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Write batching (PollenChannelOption.WRITE_BATCHING): a small flush made while the loop handles
 * a batch's reads is written at the end of the batch, but never later than a close, an output
 * shutdown or a deregistration that follows it; never held when the option is off, outside a
 * batch, while a connect completes, or when 16 KiB or more are pending.
 */
class WriteBatchingTest {
    /** The transport under test (-Dpollen.testsuite.transport). */
    private static final Transport T = PollenTransports.transport();

    /** Below the size from which a flush is written at once (16 KiB pending). */
    private static final byte[] DATA = new byte[8 * 1024];
    private static EventLoopGroup group;

    @BeforeAll
    static void setUp() {
        ThreadLocalRandom.current().nextBytes(DATA);
        group = TransportTestSupport.newGroup(T, 1);
    }

    @AfterAll
    static void tearDown() {
        TransportTestSupport.shutdown(group);
    }

    /** A server whose children call {@code onRead(ctx, msg)} for the first message read (released after). */
    private static Channel server(boolean batching, BiConsumer<ChannelHandlerContext, Object> onRead)
            throws InterruptedException {
        return new ServerBootstrap().group(group).channelFactory(T.serverSocketChannelFactory())
                .childOption(PollenChannelOption.WRITE_BATCHING, batching)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new ChannelInboundHandlerAdapter() {
                    private boolean first = true;

                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        try {
                            if (first) {
                                first = false;
                                onRead.accept(ctx, msg);
                            }
                        } finally {
                            ReferenceCountUtil.release(msg);
                        }
                    }
                }).bind(ANY_LOOPBACK_PORT).sync().channel();
    }

    /** Connects, sends one byte, and collects what comes back until end of stream. */
    private static byte[] request(Channel server) throws Exception {
        Receiver receiver = new Receiver();
        Channel client = new Bootstrap().group(group).channelFactory(T.socketChannelFactory())
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .handler(receiver).connect(server.localAddress()).sync().channel();
        client.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {1})).sync();
        try {
            return receiver.done.get(TransportTestSupport.DEADLINE_SECONDS, TimeUnit.SECONDS);
        } finally {
            client.close().sync();
            server.close().sync();
        }
    }

    @Test
    void flushesInABatchAreWrittenAtItsEndAsOneWrite() throws Exception {
        List<ChannelFuture> writes = new ArrayList<>();
        CompletableFuture<Boolean> doneInRead = new CompletableFuture<>();
        Channel server = server(true, (ctx, msg) -> {
            for (int off = 0; off < DATA.length; off += 512) {
                writes.add(ctx.writeAndFlush(Unpooled.wrappedBuffer(DATA, off, 512)));
            }
            doneInRead.complete(writes.stream().anyMatch(ChannelFuture::isDone));
            ctx.channel().eventLoop().execute(ctx::close);
        });
        assertArrayEquals(DATA, request(server));
        assertFalse(doneInRead.get(), "a write completed inside channelRead, though its flush was held");
        assertTrue(writes.stream().allMatch(ChannelFuture::isSuccess));
    }

    @Test
    void aLargeFlushIsWrittenAtOnce() throws Exception {
        byte[] large = new byte[64 * 1024];
        ThreadLocalRandom.current().nextBytes(large);
        CompletableFuture<Boolean> doneInRead = new CompletableFuture<>();
        Channel server = server(true, (ctx, msg) -> {
            doneInRead.complete(ctx.writeAndFlush(Unpooled.wrappedBuffer(large)).isSuccess());
            ctx.channel().eventLoop().execute(ctx::close);
        });
        assertArrayEquals(large, request(server));
        assertTrue(doneInRead.get(), "a 64 KiB flush was held");
    }

    @Test
    void withoutBatchingAFlushWritesAtOnce() throws Exception {
        CompletableFuture<Boolean> doneInRead = new CompletableFuture<>();
        Channel server = server(false, (ctx, msg) -> {
            ChannelFuture f = ctx.writeAndFlush(Unpooled.wrappedBuffer(DATA));
            doneInRead.complete(f.isSuccess());
            ctx.close();
        });
        assertArrayEquals(DATA, request(server));
        assertTrue(doneInRead.get(), "the write had not completed when writeAndFlush returned");
    }

    @Test
    void closeRightAfterAFlushWritesTheDataFirst() throws Exception {
        Channel server = server(true, (ctx, msg) -> {
            ctx.writeAndFlush(Unpooled.wrappedBuffer(DATA));
            ctx.close();
        });
        assertArrayEquals(DATA, request(server));
    }

    @Test
    void shutdownOutputRightAfterAFlushWritesTheDataFirst() throws Exception {
        CompletableFuture<Boolean> shutdown = new CompletableFuture<>();
        Channel server = server(true, (ctx, msg) -> {
            ChannelFuture write = ctx.writeAndFlush(Unpooled.wrappedBuffer(DATA));
            ((DuplexChannel) ctx.channel()).shutdownOutput().addListener(f -> {
                shutdown.complete(f.isSuccess() && write.isSuccess());
                ctx.close();
            });
        });
        assertArrayEquals(DATA, request(server));
        assertTrue(shutdown.get(TransportTestSupport.DEADLINE_SECONDS, TimeUnit.SECONDS));
    }

    @Test
    void deregisterRightAfterAFlushWritesTheDataFirst() throws Exception {
        Channel server = server(true, (ctx, msg) -> {
            ctx.writeAndFlush(Unpooled.wrappedBuffer(DATA));
            Channel ch = ctx.channel();
            ctx.deregister().addListener(f -> group.register(ch).addListener(r -> ch.close()));
        });
        assertArrayEquals(DATA, request(server));
    }

    @Test
    void aFlushOutsideABatchWritesAtOnce() throws Exception {
        CompletableFuture<Channel> accepted = new CompletableFuture<>();
        Channel server = new ServerBootstrap().group(group).channelFactory(T.serverSocketChannelFactory())
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        accepted.complete(ctx.channel());
                    }
                }).bind(ANY_LOOPBACK_PORT).sync().channel();
        Receiver receiver = new Receiver();
        Channel client = new Bootstrap().group(group).channelFactory(T.socketChannelFactory())
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .handler(receiver).connect(server.localAddress()).sync().channel();
        Channel child = accepted.get(TransportTestSupport.DEADLINE_SECONDS, TimeUnit.SECONDS);
        // A task runs outside the batch: the write is done when writeAndFlush returns.
        boolean done = child.eventLoop().submit(() -> child.writeAndFlush(Unpooled.wrappedBuffer(DATA)).isSuccess())
                .get(TransportTestSupport.DEADLINE_SECONDS, TimeUnit.SECONDS);
        assertTrue(done);
        child.close().sync();
        assertArrayEquals(DATA, receiver.done.get(TransportTestSupport.DEADLINE_SECONDS, TimeUnit.SECONDS));
        client.close().sync();
        server.close().sync();
    }

    @Test
    void aFlushInChannelActiveOfAConnectWritesAtOnce() throws Exception {
        // The connect completes while the loop handles a batch, but only reads' flushes are held:
        // a handler may block in channelActive until its peer answers (Netty's testsuite does).
        Channel server = TransportTestSupport.echoServer(T, group);
        CompletableFuture<Boolean> doneInActive = new CompletableFuture<>();
        Channel client = new Bootstrap().group(group).channelFactory(T.socketChannelFactory())
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        doneInActive.complete(ctx.writeAndFlush(Unpooled.wrappedBuffer(DATA)).isSuccess());
                    }

                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ReferenceCountUtil.release(msg);
                    }
                }).connect(server.localAddress()).sync().channel();
        try {
            assertTrue(doneInActive.get(TransportTestSupport.DEADLINE_SECONDS, TimeUnit.SECONDS), "the write had not completed in channelActive");
        } finally {
            client.close().sync();
            server.close().sync();
        }
    }

    @Test
    void optionDefaultsToTrueAndRoundTrips() throws Exception {
        Channel server = TransportTestSupport.echoServer(T, group);
        Channel client = new Bootstrap().group(group).channelFactory(T.socketChannelFactory())
                .handler(new ChannelInboundHandlerAdapter()).connect(server.localAddress()).sync().channel();
        try {
            assertEquals(Boolean.TRUE, client.config().getOption(PollenChannelOption.WRITE_BATCHING));
            assertEquals(Boolean.TRUE, client.config().getOptions().get(PollenChannelOption.WRITE_BATCHING));
            assertTrue(client.config().setOption(PollenChannelOption.WRITE_BATCHING, false));
            assertEquals(Boolean.FALSE, client.config().getOption(PollenChannelOption.WRITE_BATCHING));
        } finally {
            client.close().sync();
            server.close().sync();
        }
    }

    /** Collects bytes until end of stream (input shutdown or close). */
    @ChannelHandler.Sharable
    private static final class Receiver extends ChannelInboundHandlerAdapter {
        final CompletableFuture<byte[]> done = new CompletableFuture<>();
        private final ByteBuf received = Unpooled.buffer();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            received.writeBytes(buf);
            buf.release();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) {
                finish();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            finish();
        }

        private void finish() {
            if (!done.isDone()) {
                byte[] out = new byte[received.readableBytes()];
                received.readBytes(out);
                received.release();
                done.complete(out);
            }
        }
    }
}
