package dev.pollen.testsuite.core;

import dev.pollen.channel.core.AbstractPollenStreamChannel;
import dev.pollen.channel.core.PollenIoHandler;
import dev.pollen.testsuite.PollenTransports;
import dev.pollen.testsupport.TransportTestSupport;
import dev.pollen.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.channel.socket.DuplexChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HalfClosureTest {
    /** The transport under test (-Dpollen.testsuite.transport). */
    private static final Transport T = PollenTransports.transport();

    private EventLoopGroup group;
    private EventLoopGroup otherGroup;

    @BeforeEach
    void setUp() {
        group = TransportTestSupport.newGroup(T, 2);
        otherGroup = TransportTestSupport.newGroup(T, 1);
    }

    @AfterEach
    void tearDown() {
        TransportTestSupport.shutdown(group, otherGroup);
    }

    /** Records reads and user events, in order, as strings. */
    private static final class Recorder extends ChannelInboundHandlerAdapter {
        final List<String> events = new CopyOnWriteArrayList<>();
        final CountDownLatch readComplete = new CountDownLatch(1);
        final CompletableFuture<Channel> active = new CompletableFuture<>();

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            active.complete(ctx.channel());
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            try {
                events.add("read:" + buf.toString(StandardCharsets.US_ASCII));
            } finally {
                buf.release();
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt == ChannelInputShutdownEvent.INSTANCE) {
                events.add("inputShutdown");
                // Still writable at this point.
                events.add("open=" + ctx.channel().isOpen() + ",outputShutdown="
                        + ((DuplexChannel) ctx.channel()).isOutputShutdown());
            } else if (evt == ChannelInputShutdownReadComplete.INSTANCE) {
                events.add("inputShutdownReadComplete");
                readComplete.countDown();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            events.add("inactive");
        }
    }

    private Channel server(boolean allowHalfClosure, Recorder recorder) throws InterruptedException {
        return new ServerBootstrap().group(group).channelFactory(T.serverSocketChannelFactory())
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, allowHalfClosure)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(recorder);
                    }
                })
                .bind(TransportTestSupport.ANY_LOOPBACK_PORT).sync().channel();
    }

    @Test
    void halfClosedInputKeepsTheChannelOpenForWriting() throws Exception {
        Recorder recorder = new Recorder();
        Channel server = server(true, recorder);
        TransportTestSupport.Collector reply = new TransportTestSupport.Collector(3);
        AbstractPollenStreamChannel client = (AbstractPollenStreamChannel) new Bootstrap().group(group)
                .channelFactory(T.socketChannelFactory())
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .handler(reply).connect(server.localAddress()).sync().channel();
        try {
            Channel child = recorder.active.get(TransportTestSupport.DEADLINE_SECONDS, TimeUnit.SECONDS);
            client.writeAndFlush(Unpooled.copiedBuffer("hello", StandardCharsets.US_ASCII)).sync();
            client.shutdownOutput().sync();
            assertTrue(client.isOutputShutdown());
            assertTrue(recorder.readComplete.await(TransportTestSupport.DEADLINE_SECONDS, TimeUnit.SECONDS), "events: " + recorder.events);

            // All data first, then the shutdown event, then read-complete; the channel stays open.
            String all = String.join("", recorder.events.subList(0, recorder.events.indexOf("inputShutdown")))
                    .replace("read:", "");
            assertEquals("hello", all, "events: " + recorder.events);
            List<String> tail = recorder.events.subList(recorder.events.indexOf("inputShutdown"),
                    recorder.events.size());
            assertEquals(Arrays.asList("inputShutdown", "open=true,outputShutdown=false",
                    "inputShutdownReadComplete"), tail);
            assertTrue(child.isOpen());
            assertTrue(child.isActive());
            assertTrue(((DuplexChannel) child).isInputShutdown());
            assertFalse(((DuplexChannel) child).isOutputShutdown());
            assertTrue(child.isWritable());

            // The half-closed side can still answer.
            child.writeAndFlush(Unpooled.copiedBuffer("bye", StandardCharsets.US_ASCII)).sync();
            assertEquals("bye", new String(reply.done.get(TransportTestSupport.DEADLINE_SECONDS, TimeUnit.SECONDS), StandardCharsets.US_ASCII));
            assertTrue(client.isActive());
            assertFalse(client.isInputShutdown());

            // And closing it reaches the client as end of stream on its (half-closure) side.
            child.close().sync();
            for (int i = 0; i < 12_000 && !client.isInputShutdown(); i++) {
                Thread.sleep(5);
            }
            assertTrue(client.isInputShutdown(), "client never saw the end of stream");
            assertTrue(client.isOpen(), "a half-closure client stays open after end of stream");
        } finally {
            client.close().sync();
            server.close().sync();
        }
    }

    @Test
    void withoutHalfClosureThePeersShutdownClosesTheChannel() throws Exception {
        Recorder recorder = new Recorder();
        Channel server = server(false, recorder);
        Channel client = new Bootstrap().group(group).channelFactory(T.socketChannelFactory())
                .handler(new ChannelInboundHandlerAdapter()).connect(server.localAddress()).sync().channel();
        try {
            Channel child = recorder.active.get(TransportTestSupport.DEADLINE_SECONDS, TimeUnit.SECONDS);
            client.writeAndFlush(Unpooled.copiedBuffer("data", StandardCharsets.US_ASCII)).sync();
            ((DuplexChannel) client).shutdownOutput().sync();
            assertTrue(child.closeFuture().await(TransportTestSupport.DEADLINE_SECONDS, TimeUnit.SECONDS), "child not closed: " + recorder.events);
            assertFalse(child.isOpen());
            assertEquals("read:data", recorder.events.get(0), "data read before closing: " + recorder.events);
            assertFalse(recorder.events.contains("inputShutdown"), "events: " + recorder.events);
            assertFalse(recorder.events.contains("inputShutdownReadComplete"), "events: " + recorder.events);
            // The client (no half-closure) sees the close as end of stream and closes too.
            assertTrue(client.closeFuture().await(TransportTestSupport.DEADLINE_SECONDS, TimeUnit.SECONDS));
        } finally {
            client.close().sync();
            server.close().sync();
        }
    }

    private static boolean hasRead(String interest) {
        return Arrays.asList(interest.split("\\|")).contains("READ");
    }

    private static void awaitNoReadInterest(AbstractPollenStreamChannel ch) throws Exception {
        for (int i = 0; i < 12_000 && hasRead(TransportTestSupport.onLoop(ch.eventLoop(), ch::interestSet)); i++) {
            Thread.sleep(5);
        }
        String now = TransportTestSupport.onLoop(ch.eventLoop(), ch::interestSet);
        assertFalse(hasRead(now), "still asking for READ: " + now);
    }

    @Test
    void autoReadOffDeliversNothingUntilRead() throws Exception {
        BlockingQueue<String> reads = new LinkedBlockingQueue<>();
        AtomicInteger readCompletes = new AtomicInteger();
        CompletableFuture<Channel> childFuture = new CompletableFuture<>();
        Channel server = new ServerBootstrap().group(group).channelFactory(T.serverSocketChannelFactory())
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelActive(ChannelHandlerContext ctx) {
                                childFuture.complete(ctx.channel());
                            }

                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                ByteBuf buf = (ByteBuf) msg;
                                reads.add(buf.toString(StandardCharsets.US_ASCII));
                                buf.release();
                            }

                            @Override
                            public void channelReadComplete(ChannelHandlerContext ctx) {
                                readCompletes.incrementAndGet();
                            }
                        });
                    }
                })
                .bind(TransportTestSupport.ANY_LOOPBACK_PORT).sync().channel();
        Channel client = new Bootstrap().group(group).channelFactory(T.socketChannelFactory())
                .handler(new ChannelInboundHandlerAdapter()).connect(server.localAddress()).sync().channel();
        try {
            AbstractPollenStreamChannel child = (AbstractPollenStreamChannel) childFuture.get(TransportTestSupport.DEADLINE_SECONDS, TimeUnit.SECONDS);
            client.writeAndFlush(Unpooled.copiedBuffer("one", StandardCharsets.US_ASCII)).sync();
            // READ is not even asked of the poller, so nothing can be delivered.
            String interest = TransportTestSupport.onLoop(child.eventLoop(), child::interestSet);
            assertFalse(hasRead(interest), "interest " + interest);
            // Give a (wrong) delivery every chance to happen.
            Thread.sleep(50);
            TransportTestSupport.onLoop(child.eventLoop(), () -> null);
            assertTrue(reads.isEmpty(), "delivered without read(): " + reads);
            assertEquals(0, readCompletes.get());

            child.read();
            assertEquals("one", reads.poll(TransportTestSupport.DEADLINE_SECONDS, TimeUnit.SECONDS));
            // A read() delivers what is there and then stops asking for more.
            client.writeAndFlush(Unpooled.copiedBuffer("two", StandardCharsets.US_ASCII)).sync();
            awaitNoReadInterest(child);
            Thread.sleep(50);
            assertTrue(reads.isEmpty(), "delivered without a second read(): " + reads);
            child.read();
            assertEquals("two", reads.poll(TransportTestSupport.DEADLINE_SECONDS, TimeUnit.SECONDS));

            // Switching auto-read on resumes delivery by itself.
            child.config().setAutoRead(true);
            client.writeAndFlush(Unpooled.copiedBuffer("three", StandardCharsets.US_ASCII)).sync();
            assertEquals("three", reads.poll(TransportTestSupport.DEADLINE_SECONDS, TimeUnit.SECONDS));
            // Switching it off on the loop stops reading at once.
            TransportTestSupport.onLoop(child.eventLoop(), () -> child.config().setAutoRead(false));
            String now = TransportTestSupport.onLoop(child.eventLoop(), child::interestSet);
            assertFalse(hasRead(now), "still reading: " + now);
            client.writeAndFlush(Unpooled.copiedBuffer("four", StandardCharsets.US_ASCII)).sync();
            Thread.sleep(50);
            assertTrue(reads.isEmpty(), "delivered with auto-read off: " + reads);
            child.read();
            assertEquals("four", reads.poll(TransportTestSupport.DEADLINE_SECONDS, TimeUnit.SECONDS));

            // Off the loop, a read() that auto-read already requested is still honoured (as in
            // Netty's epoll transport): at most one more delivery, then READ is dropped.
            child.config().setAutoRead(true);
            client.writeAndFlush(Unpooled.copiedBuffer("five", StandardCharsets.US_ASCII)).sync();
            assertEquals("five", reads.poll(TransportTestSupport.DEADLINE_SECONDS, TimeUnit.SECONDS));
            child.config().setAutoRead(false);
            client.writeAndFlush(Unpooled.copiedBuffer("six", StandardCharsets.US_ASCII)).sync();
            awaitNoReadInterest(child);
            StringBuilder all = new StringBuilder();
            for (String r; (r = reads.poll()) != null; ) {
                all.append(r);
            }
            client.writeAndFlush(Unpooled.copiedBuffer("seven", StandardCharsets.US_ASCII)).sync();
            Thread.sleep(50);
            assertTrue(reads.isEmpty(), "delivered after READ was dropped: " + reads);
            while (all.length() < "sixseven".length()) {
                child.read();
                String r = reads.poll(TransportTestSupport.DEADLINE_SECONDS, TimeUnit.SECONDS);
                assertNotNull(r, "read() delivered nothing; got so far " + all);
                all.append(r);
            }
            assertEquals("sixseven", all.toString());
        } finally {
            client.close().sync();
            server.close().sync();
        }
    }

    @Test
    void deregisteredChannelWorksOnAnotherGroupsLoop() throws Exception {
        Channel server = TransportTestSupport.echoServer(T, group);
        EventLoop first = group.next();
        EventLoop second = otherGroup.next();
        TransportTestSupport.Collector c1 = new TransportTestSupport.Collector(6);
        Channel client = new Bootstrap().group(first).channelFactory(T.socketChannelFactory())
                .handler(new ChannelInboundHandlerAdapter()).connect(server.localAddress()).sync().channel();
        try {
            client.pipeline().addLast(c1);
            client.writeAndFlush(Unpooled.copiedBuffer("before", StandardCharsets.US_ASCII)).sync();
            assertEquals("before", new String(c1.done.get(TransportTestSupport.DEADLINE_SECONDS, TimeUnit.SECONDS), StandardCharsets.US_ASCII));
            client.pipeline().remove(c1);

            int firstBefore = TransportTestSupport.registrations(first);
            client.deregister().sync();
            assertFalse(client.isRegistered());
            assertTrue(client.isOpen());
            assertTrue(client.isActive());
            assertEquals(firstBefore - 1, TransportTestSupport.registrations(first));

            int secondBefore = TransportTestSupport.registrations(second);
            second.register(client).sync();
            assertTrue(client.isRegistered());
            assertEquals(second, client.eventLoop());
            assertNotSame(first, client.eventLoop());
            assertEquals(secondBefore + 1, TransportTestSupport.registrations(second));

            for (int i = 0; i < 5; i++) {
                TransportTestSupport.Collector c = new TransportTestSupport.Collector(64 * 1024);
                client.pipeline().addLast(c);
                byte[] data = new byte[64 * 1024];
                Arrays.fill(data, (byte) i);
                client.writeAndFlush(Unpooled.wrappedBuffer(data)).sync();
                byte[] echoed = c.done.get(TransportTestSupport.DEADLINE_SECONDS, TimeUnit.SECONDS);
                assertNotNull(echoed);
                assertTrue(Arrays.equals(data, echoed), "round " + i + " echoed wrong bytes");
                client.pipeline().remove(c);
            }
            client.close().sync();
            assertEquals(secondBefore, TransportTestSupport.awaitRegistrations(second, secondBefore));
        } finally {
            client.close().sync();
            server.close().sync();
        }
    }

    /**
     * Output shut down while writes wait for the socket to drain (the peer does not read): the
     * pending writes fail, and the channel must stop asking for WRITE. A socket whose output is shut
     * down is always reported writable, so a WRITE interest left behind makes the loop spin on
     * events it ignores until the channel closes.
     */
    @Test
    void shutdownOutputWithPendingWritesStopsAskingForWrite() throws Exception {
        EventLoopGroup serverGroup = otherGroup;
        Channel server = new ServerBootstrap().group(serverGroup).channelFactory(T.serverSocketChannelFactory())
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInboundHandlerAdapter())
                .bind(TransportTestSupport.ANY_LOOPBACK_PORT).sync().channel();
        AbstractPollenStreamChannel client = (AbstractPollenStreamChannel) new Bootstrap().group(group)
                .channelFactory(T.socketChannelFactory())
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .handler(new ChannelInboundHandlerAdapter()).connect(server.localAddress()).sync().channel();
        EventLoop loop = client.eventLoop();
        try {
            // Far more than both socket buffers hold: the last write stays pending.
            io.netty.channel.ChannelFuture last = null;
            for (int i = 0; i < 256; i++) {
                last = client.writeAndFlush(Unpooled.directBuffer(65536).writerIndex(65536));
            }
            for (int i = 0; i < 12_000 && !hasWrite(TransportTestSupport.onLoop(loop, client::interestSet)); i++) {
                Thread.sleep(5);
            }
            assertTrue(hasWrite(TransportTestSupport.onLoop(loop, client::interestSet)), "send buffer never filled");
            assertFalse(last.isDone());

            client.shutdownOutput().sync();
            assertTrue(last.await(TransportTestSupport.DEADLINE_SECONDS, TimeUnit.SECONDS));
            assertFalse(last.isSuccess(), "a write pending at shutdown cannot succeed");
            assertTrue(client.isOpen(), "output shutdown must not close a half-closure channel");

            long eventsBefore = TransportTestSupport.onLoop(loop, () -> PollenIoHandler.current().eventCount());
            String interest = TransportTestSupport.onLoop(loop, client::interestSet);
            for (int i = 0; i < 200 && hasWrite(interest); i++) {
                Thread.sleep(5);
                interest = TransportTestSupport.onLoop(loop, client::interestSet);
            }
            long events = TransportTestSupport.onLoop(loop, () -> PollenIoHandler.current().eventCount()) - eventsBefore;
            assertFalse(hasWrite(interest), "WRITE still asked for after output shutdown (" + interest + "); "
                    + events + " events were dispatched meanwhile on an idle connection");
        } finally {
            client.close().sync();
            server.close().sync();
        }
    }

    private static boolean hasWrite(String interest) {
        return Arrays.asList(interest.split("\\|")).contains("WRITE");
    }
}
