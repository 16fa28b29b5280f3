package dev.pollen.testsuite.core;

import dev.pollen.channel.core.PollenIoHandler;
import dev.pollen.testsuite.PollenTransports;
import dev.pollen.testsupport.TransportTestSupport;
import dev.pollen.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SelectStrategy;
import io.netty.channel.SelectStrategyFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A group of the transport under test whose select strategy always answers
 * {@link SelectStrategy#BUSY_WAIT}: the loop spins on non-blocking waits, yet echoes, runs tasks
 * from other threads, and never needs a wake-up. No timing thresholds: every wait is bounded only
 * by a generous timeout.
 */
class BusyWaitTest {
    /** The transport under test (-Dpollen.testsuite.transport). */
    private static final Transport T = PollenTransports.transport();

    private static EventLoopGroup group;

    @BeforeAll
    static void setUp() throws ReflectiveOperationException {
        // Every transport's handler offers newFactory(SelectStrategyFactory), as Netty's own do.
        SelectStrategyFactory busy = () -> (selectSupplier, hasTasks) -> SelectStrategy.BUSY_WAIT;
        IoHandlerFactory factory = (IoHandlerFactory) T.ioHandlerClass()
                .getMethod("newFactory", SelectStrategyFactory.class).invoke(null, busy);
        group = new MultiThreadIoEventLoopGroup(1, factory);
    }

    @AfterAll
    static void tearDown() {
        TransportTestSupport.shutdown(group);
    }

    private static PollenIoHandler handler(EventLoop loop) throws Exception {
        return TransportTestSupport.onLoop(loop, PollenIoHandler::current);
    }

    @Test
    void echoes() throws Exception {
        Channel server = TransportTestSupport.echoServer(T, group);
        byte[] data = new byte[256 * 1024];
        new Random(7).nextBytes(data);
        TransportTestSupport.Collector collector = new TransportTestSupport.Collector(data.length);
        Channel client = new Bootstrap().group(group).channelFactory(T.socketChannelFactory())
                .handler(collector)
                .connect(server.localAddress()).sync().channel();
        try {
            for (int off = 0; off < data.length; off += 8192) {
                client.write(Unpooled.wrappedBuffer(data, off, 8192));
            }
            client.flush();
            assertArrayEquals(data, collector.done.get(30, TimeUnit.SECONDS));
        } finally {
            client.close().sync();
            server.close().sync();
        }
    }

    @Test
    void runsTasksFromOtherThreads() throws Exception {
        EventLoop loop = group.next();
        int threads = 4;
        int perThread = 500;
        AtomicInteger ran = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(threads * perThread);
        List<Thread> submitters = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread th = new Thread(() -> {
                for (int i = 0; i < perThread; i++) {
                    loop.execute(() -> {
                        assertTrue(loop.inEventLoop());
                        ran.incrementAndGet();
                        done.countDown();
                    });
                }
            }, "submitter-" + t);
            submitters.add(th);
            th.start();
        }
        for (Thread th : submitters) {
            th.join(10_000);
        }
        assertTrue(done.await(30, TimeUnit.SECONDS), "tasks ran: " + ran.get());
        assertEquals(threads * perThread, ran.get());

        // Scheduled tasks too.
        Future<Integer> scheduled = loop.schedule(() -> 42, 1, TimeUnit.MILLISECONDS);
        assertEquals(42, scheduled.get(10, TimeUnit.SECONDS));
    }

    @Test
    void waitsGrowWithoutBlockingAndNeedNoWakeups() throws Exception {
        EventLoop loop = group.next();
        PollenIoHandler h = handler(loop);
        assertNotNull(h);
        assertTrue(T.ioHandlerClass().isInstance(h), String.valueOf(h));
        long before = TransportTestSupport.onLoop(loop, () -> PollenIoHandler.current().waitCount());
        // No task and no I/O is given to the loop while we watch: a sleeping loop would stay put,
        // a busy-waiting one keeps polling. (Racy read of a loop-thread counter: only growth matters.)
        long seen = before;
        for (int i = 0; i < 10_000 && seen < before + 1000; i++) {
            Thread.sleep(1);
            seen = h.waitCount();
        }
        assertTrue(seen >= before + 1000, "the loop stopped polling: " + before + " -> " + seen);
        long after = TransportTestSupport.onLoop(loop, () -> PollenIoHandler.current().waitCount());
        assertTrue(after > before);

        // Tasks from other threads never had to wake the loop: it was never asleep.
        for (int i = 0; i < 100; i++) {
            loop.submit(() -> { }).get(10, TimeUnit.SECONDS);
        }
        assertEquals(0, TransportTestSupport.wakeups(loop), "a busy-waiting loop was woken: " + h);
    }
}
