package dev.pollen.testsuite.core;

import dev.pollen.channel.DescriptorHandle;
import dev.pollen.channel.PollenChannelOption;
import dev.pollen.channel.core.PollenIoHandler;
import dev.pollen.channel.core.PollerBackend;
import dev.pollen.poller.Poller;
import dev.pollen.testsuite.PollenTransports;
import dev.pollen.testsupport.TransportTestSupport;
import dev.pollen.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.IoEventLoop;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static dev.pollen.testsupport.TransportTestSupport.ANY_LOOPBACK_PORT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reads and held writes made in one kernel entry per batch (PollerBackend.CAP_IO_BATCH: epoll
 * through io_uring, unless -Dpollen.epoll.ioUring=false): many channels' reads and echoes arrive
 * whole and in order, a write the socket cannot take waits for writability, peers closing or
 * resetting together end their channels with nothing lost or leaked, a channel that stops reading
 * gets no batched read, nor does one expecting a large read, a batched read that fills its buffer
 * leaves the rest to the next wait, a wait of more events than a slice makes its held writes
 * slice by slice, interest changes join the batch of
 * writes, or make a batch of their own with the next wait (and one the poller refuses fails its
 * registration only), and a loop batches exactly when its backend can. On backends without the
 * capability the same traffic goes one call at a time.
 */
class IoBatchTest {
    private static final Transport T = PollenTransports.transport();
    private static final int CLIENTS = 16;
    private static EventLoopGroup serverGroup;
    private static EventLoopGroup clientGroup;

    @BeforeAll
    static void setUp() {
        serverGroup = TransportTestSupport.newGroup(T, 1);
        clientGroup = TransportTestSupport.newGroup(T, 1);
    }

    @AfterAll
    static void tearDown() {
        TransportTestSupport.shutdown(clientGroup);
        TransportTestSupport.shutdown(serverGroup);
    }

    private static PollenIoHandler handlerOf(EventLoopGroup group) throws Exception {
        return group.next().submit(PollenIoHandler::current).get(TransportTestSupport.DEADLINE_SECONDS, TimeUnit.SECONDS);
    }

    /** Whether this run's loops should batch: the backend can, and the property does not forbid it. */
    private static boolean batchingExpected(PollenIoHandler handler) {
        boolean can = (handler.backend().capabilities() & PollerBackend.CAP_IO_BATCH) != 0;
        return can && !"false".equals(System.getProperty("pollen.epoll.ioUring"));
    }

    /** Whether the batches of writes should also start the next wait (CAP_IO_BATCH_POLL). */
    private static boolean batchWaitsExpected(PollenIoHandler handler) {
        return batchingExpected(handler) && (handler.backend().capabilities() & PollerBackend.CAP_IO_BATCH_POLL) != 0;
    }

    /** {@code count} of {@code what} is positive where {@code expected}, else 0. */
    private static void assertSomeExactlyWhereExpected(boolean expected, long count, String what,
            PollenIoHandler handler) {
        if (expected) {
            assertTrue(count > 0, "no " + what + ": " + handler);
        } else {
            assertEquals(0, count, what + " by " + handler);
        }
    }

    @Test
    void manyChannelsFlushingInOneBatchGetEveryByteInOrder() throws Exception {
        PollenIoHandler handler = handlerOf(serverGroup);
        long batchesBefore = serverGroup.next().submit(handler::sendBatchCount).get();
        long readBatchesBefore = serverGroup.next().submit(handler::readBatchCount).get();
        long batchWaitsBefore = serverGroup.next().submit(handler::batchWaitCount).get();
        echoThrough(new Echo(), 200);
        long batches = serverGroup.next().submit(handler::sendBatchCount).get() - batchesBefore;
        long batched = serverGroup.next().submit(handler::batchedSendCount).get();
        long readBatches = serverGroup.next().submit(handler::readBatchCount).get() - readBatchesBefore;
        long batchWaits = serverGroup.next().submit(handler::batchWaitCount).get() - batchWaitsBefore;
        if (batchingExpected(handler)) {
            assertTrue(handler.isIoBatching());
            assertTrue(batches > 0, "no batch of writes was made: " + handler);
            if (!batchWaitsExpected(handler)) {
                // A single held write is a batch only where the batch also starts the next wait.
                assertTrue(batched >= 2 * batches, "batches of fewer than two writes: " + handler);
            }
            assertTrue(readBatches > 0, "no batch of reads was made: " + handler);
        } else {
            assertEquals(0, batches, "batches made by " + handler);
            assertEquals(0, readBatches, "batches made by " + handler);
        }
        assertSomeExactlyWhereExpected(batchWaitsExpected(handler), batchWaits, "waits started by batches", handler);
    }

    /**
     * The interest changes a batch's handlers make go in the batch's own kernel entry, before the
     * wait it starts, where the backend can: each echo turns its channel's reads off, a task run
     * after the batch turns them on again, and every byte still comes back in order.
     */
    @Test
    void interestChangesOfABatchGoInItsKernelEntry() throws Exception {
        PollenIoHandler handler = handlerOf(serverGroup);
        long before = serverGroup.next().submit(handler::batchedCtlCount).get();
        echoThrough(new PausingEcho(), 50);
        long changes = serverGroup.next().submit(handler::batchedCtlCount).get() - before;
        assertSomeExactlyWhereExpected(batchWaitsExpected(handler), changes, "interest changes made in batches",
                handler);
    }

    /**
     * Without any write to make, the registrations of accepted channels still go to the poller in one
     * kernel entry with the next wait where the backend can: CLIENTS connections, none sending, are
     * all accepted and registered for reads, and each then gets the bytes sent to it.
     */
    @Test
    void registrationsOfAcceptedChannelsGoInABatchOfChanges() throws Exception {
        PollenIoHandler handler = handlerOf(serverGroup);
        long changesBefore = serverGroup.next().submit(handler::batchedCtlCount).get();
        long sendsBefore = serverGroup.next().submit(handler::sendBatchCount).get();
        CountDownLatch accepted = new CountDownLatch(CLIENTS);
        CountDownLatch received = new CountDownLatch(CLIENTS);
        Channel server = new ServerBootstrap().group(serverGroup).channelFactory(T.serverSocketChannelFactory())
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelActive(ChannelHandlerContext ctx) {
                                accepted.countDown();
                                ctx.fireChannelActive();
                            }

                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                ReferenceCountUtil.release(msg);
                                received.countDown();
                            }
                        });
                    }
                }).bind(ANY_LOOPBACK_PORT).sync().channel();
        List<Channel> clients = new ArrayList<>();
        try {
            for (int i = 0; i < CLIENTS; i++) {
                clients.add(new Bootstrap().group(clientGroup).channelFactory(T.socketChannelFactory())
                        .handler(new ChannelInboundHandlerAdapter()).connect(server.localAddress()).sync().channel());
            }
            assertTrue(accepted.await(TransportTestSupport.DEADLINE_SECONDS, TimeUnit.SECONDS));
            long changes = serverGroup.next().submit(handler::batchedCtlCount).get() - changesBefore;
            assertSomeExactlyWhereExpected(batchWaitsExpected(handler), changes, "registrations made in batches",
                    handler);
            for (Channel client : clients) {
                client.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {42}));
            }
            assertTrue(received.await(TransportTestSupport.DEADLINE_SECONDS, TimeUnit.SECONDS),
                    "not every channel read");
            assertEquals(sendsBefore, (long) serverGroup.next().submit(handler::sendBatchCount).get(),
                    "batches of writes made by a server that never writes: " + handler);
        } finally {
            for (Channel client : clients) {
                client.close().sync();
            }
            server.close().sync();
        }
    }

    /**
     * A change the poller refuses, made in a batch of writes (a regular file registered by a
     * channel's handler while its echo is held), fails that registration only, once the batch's
     * writes are accounted for: the echo arrives whole and its channel stays open.
     */
    @Test
    void aRefusedChangeInABatchFailsItsRegistrationOnly(@TempDir Path dir) throws Exception {
        PollenIoHandler handler = handlerOf(serverGroup);
        CountDownLatch accepted = new CountDownLatch(1);
        Path file = dir.resolve("f");
        Files.write(file, new byte[] {1});
        CompletableFuture<Object> outcome = new CompletableFuture<>();
        CountDownLatch unregistered = new CountDownLatch(1);
        try (FileChannel fileChannel = FileChannel.open(file, StandardOpenOption.READ)) {
            int fd = Poller.descriptor(fileChannel);
            DescriptorHandle.Listener listener = new DescriptorHandle.Listener() {
                @Override
                public void ready(DescriptorHandle h, int ready) {
                    outcome.complete(ready);
                    h.cancel();
                }

                @Override
                public void exceptionCaught(DescriptorHandle h, Throwable cause) {
                    outcome.complete(cause);
                    h.cancel();
                }

                @Override
                public void unregistered(DescriptorHandle h) {
                    unregistered.countDown();
                }
            };
            byte[] data = "echo while a file is registered".getBytes(StandardCharsets.US_ASCII);
            Channel server = new ServerBootstrap().group(serverGroup).channelFactory(T.serverSocketChannelFactory())
                    .childHandler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelActive(ChannelHandlerContext ctx) {
                            accepted.countDown();
                            ctx.fireChannelActive();
                        }

                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            ctx.writeAndFlush(msg, ctx.voidPromise()); // held until the batch ends
                            if (!outcome.isDone()) {
                                IoEventLoop loop = (IoEventLoop) ctx.channel().eventLoop();
                                DescriptorHandle.watch(loop, fd, Poller.READ, listener); // on the loop: at once
                            }
                        }
                    }).bind(ANY_LOOPBACK_PORT).sync().channel();
            Collector collector = new Collector(data.length);
            Channel client = new Bootstrap().group(clientGroup).channelFactory(T.socketChannelFactory())
                    .handler(collector).connect(server.localAddress()).sync().channel();
            try {
                // Counted from here: the accepted channel's own registration may be in a batch too.
                assertTrue(accepted.await(TransportTestSupport.DEADLINE_SECONDS, TimeUnit.SECONDS));
                long before = serverGroup.next().submit(handler::batchedCtlCount).get();
                client.writeAndFlush(Unpooled.wrappedBuffer(data));
                assertArrayEquals(data, collector.done.get(TransportTestSupport.DEADLINE_SECONDS, TimeUnit.SECONDS));
                Object result = outcome.get(TransportTestSupport.DEADLINE_SECONDS, TimeUnit.SECONDS);
                if (T.name().equals("kqueue")) {
                    // The Linux emulation of kqueue reports epoll's refusal as ERROR (BSD: readable).
                    int ready = (Integer) result;
                    assertTrue((ready & (Poller.READABLE | Poller.ERROR)) != 0, Poller.readyToString(ready));
                } else {
                    assertTrue(result instanceof IOException, String.valueOf(result));
                    assertEquals(T.name() + "_ctl_add(..) failed: Operation not permitted",
                            ((IOException) result).getMessage());
                }
                assertTrue(unregistered.await(TransportTestSupport.DEADLINE_SECONDS, TimeUnit.SECONDS));
                assertTrue(client.isActive(), "the echoing channel was closed");
                long changes = serverGroup.next().submit(handler::batchedCtlCount).get() - before;
                assertEquals(batchWaitsExpected(handler) ? 1 : 0, changes, "changes made in batches of " + handler);
            } finally {
                client.close().sync();
                server.close().sync();
            }
        }
    }

    /**
     * CLIENTS clients send {@code rounds} random messages each through a server with the given
     * child handler, all clients' messages of a round written in one task so that the server finds
     * many channels readable in one wait; every byte must come back, in order.
     */
    private static void echoThrough(ChannelHandler echo, int rounds) throws Exception {
        echoThrough(echo, rounds, null);
    }

    /** The same, with the accepted channels reading through {@code reads} (null: the transport's default). */
    private static void echoThrough(ChannelHandler echo, int rounds, RecvByteBufAllocator reads) throws Exception {
        ServerBootstrap bootstrap = new ServerBootstrap().group(serverGroup).channelFactory(T.serverSocketChannelFactory())
                .childOption(PollenChannelOption.WRITE_BATCHING, true);
        if (reads != null) {
            bootstrap.childOption(ChannelOption.RCVBUF_ALLOCATOR, reads);
        }
        Channel server = bootstrap.childHandler(echo).bind(ANY_LOOPBACK_PORT).sync().channel();
        int size = 300;
        List<Channel> clients = new ArrayList<>();
        List<Collector> collectors = new ArrayList<>();
        List<byte[]> sent = new ArrayList<>();
        try {
            connectCollectors(server, CLIENTS, rounds * size, clients, collectors, sent);
            for (int r = 0; r < rounds; r++) {
                int off = r * size;
                clientGroup.next().submit(() -> {
                    for (int i = 0; i < CLIENTS; i++) {
                        clients.get(i).writeAndFlush(Unpooled.wrappedBuffer(sent.get(i), off, size));
                    }
                }).sync();
            }
            for (int i = 0; i < CLIENTS; i++) {
                assertArrayEquals(sent.get(i), collectors.get(i).done.get(TransportTestSupport.DEADLINE_SECONDS, TimeUnit.SECONDS),
                        "client " + i);
            }
        } finally {
            for (Channel c : clients) {
                c.close().sync();
            }
            server.close().sync();
        }
    }

    /**
     * Connects {@code count} clients to {@code server}, each collecting up to {@code bytes} bytes,
     * and draws each one's {@code bytes} random bytes to send; adds them to the lists given.
     */
    private static void connectCollectors(Channel server, int count, int bytes, List<Channel> clients,
            List<Collector> collectors, List<byte[]> sent) throws InterruptedException {
        for (int i = 0; i < count; i++) {
            Collector c = new Collector(bytes);
            collectors.add(c);
            clients.add(new Bootstrap().group(clientGroup).channelFactory(T.socketChannelFactory())
                    .handler(c).connect(server.localAddress()).sync().channel());
            byte[] data = new byte[bytes];
            ThreadLocalRandom.current().nextBytes(data);
            sent.add(data);
        }
    }

    /**
     * A channel whose allocator expects a large read (above 16 KiB) reads the plain way when its
     * event is handled, not ahead in the batch; the same echoes with small reads are read in
     * batches where the backend can.
     */
    @Test
    void channelsExpectingLargeReadsAreNotReadInBatches() throws Exception {
        PollenIoHandler handler = handlerOf(serverGroup);
        long before = serverGroup.next().submit(handler::readBatchCount).get();
        echoThrough(new Echo(), 200, new FixedRecvByteBufAllocator(64 * 1024));
        long large = serverGroup.next().submit(handler::readBatchCount).get() - before;
        echoThrough(new Echo(), 200, new FixedRecvByteBufAllocator(1024));
        long small = serverGroup.next().submit(handler::readBatchCount).get() - before - large;
        assertEquals(0, large, "batches of 64 KiB reads: " + handler);
        assertSomeExactlyWhereExpected(batchingExpected(handler), small, "batches of 1 KiB reads", handler);
    }

    /**
     * A batched read that fills its buffer ends its event (the read after it would mostly find
     * nothing): the rest is reported by the next wait and read then. Clients each send a 300-byte
     * message and the next only when its echo is back, read by the server 64 bytes at a time: every
     * byte comes back in order and, where batching, some read events carry just one full read (a
     * read loop of up to 16 reads, as set, reads in one event all 300 bytes, which the loopback
     * delivers at once), and peers that send and close at once still have every byte read before
     * the end.
     */
    @Test
    void aBatchedReadThatFillsItsBufferLeavesTheRestToTheNextWait() throws Exception {
        PollenIoHandler handler = handlerOf(serverGroup);
        long before = serverGroup.next().submit(handler::readBatchCount).get();
        CountingEcho echo = new CountingEcho(64);
        List<CompletableFuture<Integer>> received = new ArrayList<>();
        Channel server = new ServerBootstrap().group(serverGroup).channelFactory(T.serverSocketChannelFactory())
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(64).maxMessagesPerRead(16))
                .childHandler(echo).bind(ANY_LOOPBACK_PORT).sync().channel();
        List<Channel> peers = new ArrayList<>();
        try {
            List<Lockstep> clients = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                Lockstep c = new Lockstep(300, 30);
                clients.add(c);
                peers.add(new Bootstrap().group(clientGroup).channelFactory(T.socketChannelFactory())
                        .handler(c).connect(server.localAddress()).sync().channel());
            }
            for (Lockstep c : clients) {
                assertArrayEquals(c.sent, c.done.get(TransportTestSupport.DEADLINE_SECONDS, TimeUnit.SECONDS));
            }
        } finally {
            for (Channel p : peers) {
                p.close().sync();
            }
            server.close().sync();
        }
        long batches = serverGroup.next().submit(handler::readBatchCount).get() - before;
        assertSomeExactlyWhereExpected(batchingExpected(handler), batches, "batches of 64-byte reads", handler);
        if (batchingExpected(handler)) {
            assertTrue(serverGroup.next().submit(() -> echo.singleFullReads).get() > 0,
                    "no read event ended after one full batched read: " + handler);
        }

        server = new ServerBootstrap().group(serverGroup).channelFactory(T.serverSocketChannelFactory())
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(64).maxMessagesPerRead(16))
                .childHandler(new ChannelInitializerOf(received)).bind(ANY_LOOPBACK_PORT).sync().channel();
        peers.clear();
        try {
            for (int i = 0; i < CLIENTS; i++) {
                peers.add(new Bootstrap().group(clientGroup).channelFactory(T.socketChannelFactory())
                        .handler(new ChannelInboundHandlerAdapter()).connect(server.localAddress()).sync().channel());
            }
            assertEquals(CLIENTS + 1, TransportTestSupport.awaitRegistrations(serverGroup.next(), CLIENTS + 1));
            clientGroup.next().submit(() -> {
                for (Channel p : peers) {
                    p.writeAndFlush(Unpooled.wrappedBuffer(new byte[1000]));
                    p.close();
                }
            }).sync();
            for (CompletableFuture<Integer> r : received) {
                assertEquals(1000, r.get(TransportTestSupport.DEADLINE_SECONDS, TimeUnit.SECONDS), "bytes a child read");
            }
        } finally {
            server.close().sync();
        }
    }

    /**
     * A wait that finds more channels readable than a slice ({@link PollenIoHandler#EVENTS_PER_SLICE})
     * makes each slice's held writes before it handles the next slice: when a channel is read, every
     * channel echoed at least a slice's events earlier in the same wait has its write made. (Two
     * events a slice or more apart are never in the same slice, whatever else the wait returned.)
     * The server loop is held by a task while every client writes, so that its next wait finds them
     * all readable; a busy machine may spread them over several waits, so rounds repeat until a wait
     * delivered more than a slice's reads, within the deadline. Every byte comes back in order.
     */
    @Test
    void theHeldWritesOfALargeWaitAreMadeSliceBySlice() throws Exception {
        int clients = 3 * PollenIoHandler.EVENTS_PER_SLICE;
        SliceWatch watch = new SliceWatch();
        Channel server = new ServerBootstrap().group(serverGroup).channelFactory(T.serverSocketChannelFactory())
                .childOption(PollenChannelOption.WRITE_BATCHING, true).childHandler(watch)
                .bind(ANY_LOOPBACK_PORT).sync().channel();
        int size = 100;
        int maxRounds = 50;
        List<Channel> peers = new ArrayList<>();
        List<Collector> collectors = new ArrayList<>();
        List<byte[]> sent = new ArrayList<>();
        try {
            connectCollectors(server, clients, maxRounds * size, peers, collectors, sent);
            assertEquals(clients + 1, TransportTestSupport.awaitRegistrations(serverGroup.next(), clients + 1));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TransportTestSupport.DEADLINE_SECONDS);
            int rounds = 0;
            while (rounds < maxRounds && System.nanoTime() < deadline
                    && TransportTestSupport.onLoop(serverGroup.next(), () -> watch.checkedReads) == 0) {
                int off = rounds * size;
                CountDownLatch release = new CountDownLatch(1);
                serverGroup.next().execute(() -> {
                    try {
                        release.await(TransportTestSupport.DEADLINE_SECONDS, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                try {
                    clientGroup.next().submit(() -> {
                        for (int i = 0; i < clients; i++) {
                            peers.get(i).writeAndFlush(Unpooled.wrappedBuffer(sent.get(i), off, size));
                        }
                    }).sync();
                } finally {
                    release.countDown();
                }
                rounds++;
                for (int i = 0; i < clients; i++) {
                    collectors.get(i).awaitBytes(rounds * size);
                }
            }
            for (int i = 0; i < clients; i++) {
                int n = rounds * size;
                assertArrayEquals(Arrays.copyOf(sent.get(i), n), collectors.get(i).bytesSoFar(n), "client " + i);
            }
            PollenIoHandler handler = handlerOf(serverGroup);
            int[] seen = TransportTestSupport.onLoop(serverGroup.next(),
                    () -> new int[] {watch.checkedReads, watch.unmadeWrites, watch.largestWait});
            assertTrue(seen[0] > 0, "no wait delivered more than a slice's reads in " + rounds + " rounds (largest: "
                    + seen[2] + "): " + handler);
            assertEquals(0, seen[1], "writes of earlier slices still held when a later slice was read: " + handler);
        } finally {
            for (Channel p : peers) {
                p.close().sync();
            }
            server.close().sync();
        }
    }

    @Test
    void aBatchedWriteTheSocketCannotTakeWaitsForWritability() throws Exception {
        int replies = 64;
        int replySize = 8 * 1024; // held: below the 16 KiB from which a flush is written at once
        byte[] reply = new byte[replySize];
        ThreadLocalRandom.current().nextBytes(reply);
        Channel server = new ServerBootstrap().group(serverGroup).channelFactory(T.serverSocketChannelFactory())
                .childOption(PollenChannelOption.WRITE_BATCHING, true)
                .childOption(ChannelOption.SO_SNDBUF, 16 * 1024)
                .childHandler(new Replier(reply)).bind(ANY_LOOPBACK_PORT).sync().channel();
        List<Channel> clients = new ArrayList<>();
        List<Collector> collectors = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                Collector c = new Collector(replies * replySize);
                collectors.add(c);
                clients.add(new Bootstrap().group(clientGroup).channelFactory(T.socketChannelFactory())
                        .option(ChannelOption.AUTO_READ, false)
                        .option(ChannelOption.SO_RCVBUF, 16 * 1024)
                        .handler(c).connect(server.localAddress()).sync().channel());
            }
            // The clients do not read: the server's sockets fill, and its held writes meet full buffers.
            for (int r = 0; r < replies; r++) {
                clientGroup.next().submit(() -> {
                    for (Channel c : clients) {
                        c.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {1}));
                    }
                }).sync();
            }
            for (Channel c : clients) {
                c.config().setAutoRead(true);
            }
            for (int i = 0; i < clients.size(); i++) {
                byte[] got = collectors.get(i).done.get(TransportTestSupport.DEADLINE_SECONDS, TimeUnit.SECONDS);
                for (int r = 0; r < replies; r++) {
                    byte[] part = new byte[replySize];
                    System.arraycopy(got, r * replySize, part, 0, replySize);
                    assertArrayEquals(reply, part, "client " + i + ", reply " + r);
                }
            }
        } finally {
            for (Channel c : clients) {
                c.close().sync();
            }
            server.close().sync();
        }
    }

    @Test
    void peersClosingOrResettingTogetherEndTheirChannelsWithEverythingRead() throws Exception {
        int clients = CLIENTS;
        List<CompletableFuture<Integer>> received = new ArrayList<>();
        Channel server = new ServerBootstrap().group(serverGroup).channelFactory(T.serverSocketChannelFactory())
                .childHandler(new ChannelInitializerOf(received)).bind(ANY_LOOPBACK_PORT).sync().channel();
        byte[] data = new byte[1000];
        ThreadLocalRandom.current().nextBytes(data);
        List<Channel> peers = new ArrayList<>();
        try {
            for (int i = 0; i < clients; i++) {
                peers.add(new Bootstrap().group(clientGroup).channelFactory(T.socketChannelFactory())
                        .option(ChannelOption.SO_LINGER, i % 2 == 0 ? -1 : 0)
                        .handler(new ChannelInboundHandlerAdapter()).connect(server.localAddress()).sync().channel());
            }
            assertEquals(clients + 1, TransportTestSupport.awaitRegistrations(serverGroup.next(), clients + 1));
            // Half of them send data and close; the other half send and reset (SO_LINGER 0), all in one task,
            // so that the server finds them readable together: its reads see data, end of stream or a reset.
            clientGroup.next().submit(() -> {
                for (Channel p : peers) {
                    p.writeAndFlush(Unpooled.wrappedBuffer(data));
                }
                for (Channel p : peers) {
                    p.close();
                }
            }).sync();
            int whole = 0;
            for (CompletableFuture<Integer> r : received) {
                int got = r.get(TransportTestSupport.DEADLINE_SECONDS, TimeUnit.SECONDS);
                assertTrue(got == 0 || got == data.length, "a child read " + got + " bytes");
                whole += got == data.length ? 1 : 0;
            }
            // A closing peer's data always arrives before its end of stream (a reset may cut it).
            assertTrue(whole >= clients / 2, whole + " of " + clients + " children read everything");
            assertEquals(1, TransportTestSupport.awaitRegistrations(serverGroup.next(), 1), "only the listener is left");
        } finally {
            server.close().sync();
        }
    }

    @Test
    void aChannelThatStopsReadingGetsNoBatchedRead() throws Exception {
        CompletableFuture<Channel> accepted = new CompletableFuture<>();
        Collector collector = new Collector(3);
        Channel server = new ServerBootstrap().group(serverGroup).channelFactory(T.serverSocketChannelFactory())
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        accepted.complete(ctx.channel());
                    }

                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        collector.channelRead(ctx, msg);
                    }
                }).bind(ANY_LOOPBACK_PORT).sync().channel();
        List<Channel> peers = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                peers.add(new Bootstrap().group(clientGroup).channelFactory(T.socketChannelFactory())
                        .handler(new ChannelInboundHandlerAdapter()).connect(server.localAddress()).sync().channel());
            }
            Channel child = accepted.get(TransportTestSupport.DEADLINE_SECONDS, TimeUnit.SECONDS);
            for (Channel p : peers) {
                p.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {1, 2, 3})).sync();
            }
            // Nothing was asked for: the bytes wait in the socket, not in a buffer read ahead.
            child.read();
            assertArrayEquals(new byte[] {1, 2, 3}, collector.done.get(TransportTestSupport.DEADLINE_SECONDS, TimeUnit.SECONDS));
        } finally {
            for (Channel p : peers) {
                p.close().sync();
            }
            server.close().sync();
        }
    }

    /** Each child counts the bytes it reads and completes its future with the count when it ends. */
    @ChannelHandler.Sharable
    private static final class ChannelInitializerOf extends ChannelInboundHandlerAdapter {
        private final List<CompletableFuture<Integer>> received;

        ChannelInitializerOf(List<CompletableFuture<Integer>> received) {
            this.received = received;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            CompletableFuture<Integer> done = new CompletableFuture<>();
            synchronized (received) {
                received.add(done);
            }
            int[] count = new int[1];
            ctx.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext c, Object msg) {
                    count[0] += ((ByteBuf) msg).readableBytes();
                    ReferenceCountUtil.release(msg);
                }

                @Override
                public void exceptionCaught(ChannelHandlerContext c, Throwable cause) {
                    c.close(); // a reset: "recv(..) failed: Connection reset by peer"
                }

                @Override
                public void channelInactive(ChannelHandlerContext c) {
                    done.complete(count[0]);
                }
            });
        }
    }

    /** Writes each read back, flushing once per read batch (the flush is held). */
    @ChannelHandler.Sharable
    private static final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg, ctx.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }
    }

    /**
     * As Echo, and counts the read events that delivered exactly one read of a full {@code size}-byte
     * buffer. The server loop is one thread and an event's reads end with its read-complete, so one
     * counter serves every channel.
     */
    @ChannelHandler.Sharable
    private static final class CountingEcho extends ChannelInboundHandlerAdapter {
        private final int size;
        private int reads;
        private boolean full;
        long singleFullReads;

        CountingEcho(int size) {
            this.size = size;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            reads++;
            full = ((ByteBuf) msg).readableBytes() == size;
            ctx.write(msg, ctx.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (reads == 1 && full) {
                singleFullReads++;
            }
            reads = 0;
            ctx.flush();
        }
    }

    /** As Echo, and stops reading after each read batch until a task, run after the batch, starts it again. */
    @ChannelHandler.Sharable
    private static final class PausingEcho extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg, ctx.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
            ctx.channel().config().setAutoRead(false);
            ctx.executor().execute(() -> ctx.channel().config().setAutoRead(true));
        }
    }

    /** Answers each byte read with one reply, flushed at once (held while below 16 KiB pending). */
    @ChannelHandler.Sharable
    private static final class Replier extends ChannelInboundHandlerAdapter {
        private final byte[] reply;

        Replier(byte[] reply) {
            this.reply = reply;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            int n = ((ByteBuf) msg).readableBytes();
            ReferenceCountUtil.release(msg);
            for (int i = 0; i < n; i++) {
                ctx.writeAndFlush(Unpooled.wrappedBuffer(reply));
            }
        }
    }

    /**
     * Sends {@code rounds} random messages of {@code size} bytes, each only when the previous one
     * has come back whole, and completes with every byte received.
     */
    private static final class Lockstep extends ChannelInboundHandlerAdapter {
        final CompletableFuture<byte[]> done = new CompletableFuture<>();
        final byte[] sent;
        private final byte[] received;
        private final int size;
        private int count;

        Lockstep(int size, int rounds) {
            this.size = size;
            sent = new byte[size * rounds];
            ThreadLocalRandom.current().nextBytes(sent);
            received = new byte[sent.length];
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.writeAndFlush(Unpooled.wrappedBuffer(sent, 0, size));
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            int n = Math.min(buf.readableBytes(), received.length - count);
            buf.readBytes(received, count, n);
            buf.release();
            count += n;
            if (count == received.length) {
                done.complete(received);
            } else if (n > 0 && count % size == 0) {
                ctx.writeAndFlush(Unpooled.wrappedBuffer(sent, count, size));
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            done.completeExceptionally(new AssertionError("closed after " + count + " of " + received.length + " bytes"));
        }
    }

    /**
     * Echoes each read, flushing in read-complete (the flush is held where batching), and checks, as
     * each channel is read, that every channel echoed at least a slice's events earlier in the same
     * wait has nothing left to write. Runs on the server loop only.
     */
    @ChannelHandler.Sharable
    private static final class SliceWatch extends ChannelInboundHandlerAdapter {
        private long wait = -1;
        private final List<Channel> echoed = new ArrayList<>();
        int largestWait;
        int checkedReads;
        int unmadeWrites;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            long w = PollenIoHandler.current().waitCount();
            if (w != wait) {
                wait = w;
                echoed.clear();
            }
            int at = echoed.indexOf(ctx.channel()); // its event's place among this wait's reads, at least
            if (at < 0) {
                at = echoed.size();
                echoed.add(ctx.channel());
            }
            if (at >= PollenIoHandler.EVENTS_PER_SLICE) {
                checkedReads++;
                for (int i = 0; i <= at - PollenIoHandler.EVENTS_PER_SLICE; i++) {
                    if (echoed.get(i).unsafe().outboundBuffer().totalPendingWriteBytes() != 0) {
                        unmadeWrites++;
                    }
                }
            }
            largestWait = Math.max(largestWait, echoed.size());
            ctx.write(msg, ctx.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }
    }

    /** Collects {@code expected} bytes. */
    private static final class Collector extends ChannelInboundHandlerAdapter {
        final CompletableFuture<byte[]> done = new CompletableFuture<>();
        private final byte[] bytes;
        private int received;

        Collector(int expected) {
            bytes = new byte[expected];
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            synchronized (this) {
                int n = Math.min(buf.readableBytes(), bytes.length - received);
                buf.readBytes(bytes, received, n);
                received += n;
                notifyAll();
            }
            buf.release();
            if (received == bytes.length) {
                done.complete(bytes);
            }
        }

        /** Waits until {@code n} bytes have come, within the deadline. */
        synchronized void awaitBytes(int n) throws InterruptedException {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(TransportTestSupport.DEADLINE_SECONDS);
            for (long left = end - System.nanoTime(); received < n; left = end - System.nanoTime()) {
                if (left <= 0) {
                    throw new AssertionError("received " + received + " of " + n + " bytes");
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }

        /** The first {@code n} bytes received. */
        synchronized byte[] bytesSoFar(int n) {
            return Arrays.copyOf(bytes, n);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            done.completeExceptionally(new AssertionError("closed after " + received + " of " + bytes.length + " bytes"));
        }
    }
}
