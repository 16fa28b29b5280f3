package dev.pollen.testsuite.loop;

import dev.pollen.channel.core.PollenIoHandler;
import dev.pollen.testsuite.PollenTransports;
import dev.pollen.testsupport.TransportTestSupport;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PollenWakeupTest {
    private static final int THREADS = 8;
    private static final int TASKS_PER_THREAD = 10_000;
    private static final int TIMERS_PER_THREAD = 50;

    private EventLoopGroup group;
    private EventLoop loop;

    @BeforeEach
    void setUp() {
        group = TransportTestSupport.newGroup(PollenTransports.transport(), 1);
        loop = group.next();
    }

    @AfterEach
    void tearDown() {
        TransportTestSupport.shutdown(group);
    }

    /** Ping-pongs 16 KiB messages through an echo server on the same loop until stopped. */
    private static final class PingPong extends SimpleChannelInboundHandler<ByteBuf> {
        static final int SIZE = 16 * 1024;
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicLong echoed = new AtomicLong();
        final CompletableFuture<Long> stopped = new CompletableFuture<>();
        private int pending;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            send(ctx);
        }

        private void send(ChannelHandlerContext ctx) {
            pending = SIZE;
            ByteBuf buf = ctx.alloc().directBuffer(SIZE);
            for (int i = 0; i < SIZE; i++) {
                buf.writeByte(i);
            }
            ctx.writeAndFlush(buf);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
            int start = SIZE - pending;
            for (int i = 0; i < msg.readableBytes(); i++) {
                if (msg.getByte(msg.readerIndex() + i) != (byte) (start + i)) {
                    stopped.completeExceptionally(new AssertionError("corrupt echo at " + (start + i)));
                    ctx.close();
                    return;
                }
            }
            pending -= msg.readableBytes();
            echoed.addAndGet(msg.readableBytes());
            if (pending == 0) {
                if (stop.get()) {
                    stopped.complete(echoed.get());
                } else {
                    send(ctx);
                }
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            stopped.completeExceptionally(cause);
            ctx.close();
        }
    }

    @Test
    void manyThreadsSubmittingUnderEchoLoad() throws Exception {
        Channel server = TransportTestSupport.echoServer(PollenTransports.transport(), loop);
        PingPong pingPong = new PingPong();
        Channel client = new Bootstrap().group(loop).channel(PollenTransports.current().socketChannelClass()).handler(pingPong)
                .connect(server.localAddress()).sync().channel();
        try {
            long wakeupsBefore = TransportTestSupport.wakeups(loop);
            LongAdder executeCalls = new LongAdder();
            AtomicInteger ran = new AtomicInteger();
            CountDownLatch allRan = new CountDownLatch(THREADS * TASKS_PER_THREAD);
            CountDownLatch timersFired = new CountDownLatch(THREADS * TIMERS_PER_THREAD);
            AtomicInteger early = new AtomicInteger();
            AtomicInteger offLoop = new AtomicInteger();
            List<String> earlyDetails = new ArrayList<>();

            List<Thread> threads = new ArrayList<>();
            CountDownLatch go = new CountDownLatch(1);
            for (int t = 0; t < THREADS; t++) {
                Thread thread = new Thread(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int i = 0; i < TASKS_PER_THREAD; i++) {
                        loop.execute(() -> {
                            if (!loop.inEventLoop()) {
                                offLoop.incrementAndGet();
                            }
                            ran.incrementAndGet();
                            allRan.countDown();
                        });
                        executeCalls.increment();
                        if (i % (TASKS_PER_THREAD / TIMERS_PER_THREAD) == 0) {
                            // 100 us .. 5 ms, sub-millisecond ones included: they must not fire early.
                            long delayNanos = 100_000L + (i * 97_003L) % 4_900_000L;
                            long start = System.nanoTime();
                            loop.schedule(() -> {
                                long elapsed = System.nanoTime() - start;
                                if (elapsed < delayNanos) {
                                    early.incrementAndGet();
                                    synchronized (earlyDetails) {
                                        earlyDetails.add(elapsed + " < " + delayNanos);
                                    }
                                }
                                timersFired.countDown();
                            }, delayNanos, TimeUnit.NANOSECONDS);
                            // A schedule from outside may execute the task and a wake-up task.
                            executeCalls.add(2);
                        }
                    }
                }, "submitter-" + t);
                thread.start();
                threads.add(thread);
            }
            go.countDown();
            for (Thread thread : threads) {
                thread.join(TimeUnit.SECONDS.toMillis(30));
                assertTrue(!thread.isAlive(), thread.getName() + " hung while submitting");
            }
            assertTrue(allRan.await(30, TimeUnit.SECONDS), "tasks lost: only " + ran.get() + " ran");
            assertTrue(timersFired.await(30, TimeUnit.SECONDS), "timers lost: " + timersFired.getCount() + " left");
            assertEquals(THREADS * TASKS_PER_THREAD, ran.get());
            assertEquals(0, offLoop.get());
            assertEquals(0, early.get(), "timers fired early: " + earlyDetails);

            pingPong.stop.set(true);
            long echoed = pingPong.stopped.get(30, TimeUnit.SECONDS);
            assertTrue(echoed > 0, "no echo traffic ran alongside");

            // The read below is one more execute call.
            long wakeups = TransportTestSupport.wakeups(loop) - wakeupsBefore;
            assertTrue(wakeups <= executeCalls.sum() + 1,
                    "more wake-ups (" + wakeups + ") than execute calls (" + executeCalls.sum() + ")");
        } finally {
            client.close().sync();
            server.close().sync();
        }
    }

    @Test
    void aSleepingLoopIsWokenAndWakeUpsAreCounted() throws Exception {
        long before = TransportTestSupport.wakeups(loop);
        // The read above is an execute call too: its wake-up may be counted just after it read.
        long executes = 1;
        // Each round lets the loop go idle (it then sleeps in its poller for up to a second) and
        // hands it a task from this thread: the task must run, and a sleeping loop is woken.
        for (int i = 0; i < 20; i++) {
            Thread.sleep(5);
            CountDownLatch ran = new CountDownLatch(1);
            loop.execute(ran::countDown);
            executes++;
            assertTrue(ran.await(10, TimeUnit.SECONDS), "task " + i + " never ran");
        }
        long wakeups = TransportTestSupport.wakeups(loop) - before;
        executes++;
        assertTrue(wakeups > 0, "a sleeping loop was never woken through the poller");
        assertTrue(wakeups <= executes, wakeups + " wake-ups for " + executes + " execute calls");
    }

    @Test
    void tasksFromTheLoopItselfNeverWriteWakeUps() throws Exception {
        long[] delta = TransportTestSupport.onLoop(loop, () -> {
            PollenIoHandler h = PollenIoHandler.current();
            long before = h.wakeupCount();
            for (int i = 0; i < 1000; i++) {
                loop.execute(() -> { });
                h.wakeup();
            }
            return new long[] {before, h.wakeupCount()};
        });
        assertEquals(delta[0], delta[1], "the loop woke itself");
    }

    @Test
    void scheduledTasksNeverFireEarlyAndTheLoopDoesNotSpin() throws Exception {
        long[] delays = {50_000L, 999_999L, 1_000_001L, 1_500_000L, 3_200_000L, 20_000_000L};
        for (long delay : delays) {
            long waitsBefore = TransportTestSupport.onLoop(loop, () -> PollenIoHandler.current().waitCount());
            long start = System.nanoTime();
            CompletableFuture<Long> fired = new CompletableFuture<>();
            loop.schedule(() -> fired.complete(System.nanoTime() - start), delay, TimeUnit.NANOSECONDS);
            long elapsed = fired.get(10, TimeUnit.SECONDS);
            assertTrue(elapsed >= delay, "fired after " + elapsed + " ns, asked " + delay);
            long waits = TransportTestSupport.onLoop(loop, () -> PollenIoHandler.current().waitCount()) - waitsBefore;
            // An idle loop waiting for one timer needs a handful of waits; timeouts rounded down to
            // zero would spin through thousands.
            assertTrue(waits < 200, waits + " waits for one " + delay + " ns timer: the loop spun");
        }
    }

    @Test
    void manyTimersFromManyThreadsAllFireNoneEarly() throws Exception {
        int perThread = 200;
        CountDownLatch done = new CountDownLatch(THREADS * perThread);
        AtomicInteger early = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int seed = t;
            Thread thread = new Thread(() -> {
                for (int i = 0; i < perThread; i++) {
                    long delay = ((seed * 7919L + i * 104_729L) % 3_000_000L) + 1;
                    long start = System.nanoTime();
                    loop.schedule(() -> {
                        if (System.nanoTime() - start < delay) {
                            early.incrementAndGet();
                        }
                        done.countDown();
                    }, delay, TimeUnit.NANOSECONDS);
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        }
        assertTrue(done.await(30, TimeUnit.SECONDS), done.getCount() + " timers never fired");
        assertEquals(0, early.get(), "timers fired before their delay");
    }
}
