package dev.pollen.benchmarks.micro;

import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Cross-thread wake-up round trip: a loop thread blocks in its handler's {@code run(..)} (nothing
 * registered, nothing scheduled); the benchmark thread posts a request and calls {@code wakeup()},
 * the loop returns from its wait and acknowledges, the benchmark thread sees the acknowledgement.
 * Before each round trip (outside the timing) the benchmark thread waits until the loop has gone
 * back into {@code run(..)} and the kernel reports its thread asleep ({@code /proc}), so that every
 * round trip wakes a loop blocked in epoll_wait. Pollen's {@code EpollIoHandler} against Netty's.
 * Score: time per round trip.
 *
 * <p>The loop's context answers as Netty's event loop does: it may block unless a request is
 * pending (a pending task, in a real loop), with no deadline.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class WakeupBenchmark {
    private static final long ROUND_TRIP_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(120);

    @Param({"pollen", "netty"})
    public String impl;

    private IoHandler handler;
    private Thread loopThread;
    private volatile boolean running;
    private volatile boolean requested;
    private volatile boolean inRun;
    private volatile long acks;
    private volatile Throwable loopFailure;
    private volatile Path loopStat;
    private long roundTrips;

    private final IoHandlerContext context = new IoHandlerContext() {
        @Override
        public boolean canBlock() {
            return !requested && running;
        }

        @Override
        public long delayNanos(long currentTimeNanos) {
            // What Netty's loop answers when nothing is scheduled (its purge interval).
            return TimeUnit.SECONDS.toNanos(1);
        }

        @Override
        public long deadlineNanos() {
            return -1;
        }
    };

    @Setup(Level.Trial)
    public void setup() throws Exception {
        IoHandlerFactory factory;
        if ("pollen".equals(impl)) {
            dev.pollen.channel.epoll.Epoll.ensureAvailability();
            factory = dev.pollen.channel.epoll.EpollIoHandler.newFactory();
        } else if ("netty".equals(impl)) {
            io.netty.channel.epoll.Epoll.ensureAvailability();
            factory = io.netty.channel.epoll.EpollIoHandler.newFactory();
        } else {
            throw new IllegalArgumentException("impl: pollen or netty, not " + impl);
        }
        LoopThread executor = new LoopThread(null);
        handler = factory.newHandler(executor);
        running = true;
        loopThread = new Thread(() -> loop(executor), "wakeup-loop");
        loopThread.setDaemon(true);
        loopThread.start();
        // One round trip proves the loop answers.
        awaitLoopAsleep();
        roundTrip();
        roundTrips = 0;
    }

    private void loop(LoopThread executor) {
        executor.owner(Thread.currentThread());
        try {
            // /proc/thread-self links to /proc/PID/task/TID: the kernel's view of this thread.
            loopStat = Path.of("/proc").resolve(Files.readSymbolicLink(Path.of("/proc/thread-self"))).resolve("stat");
            handler.initialize();
            while (running) {
                inRun = true;
                handler.run(context);
                inRun = false;
                if (requested) {
                    requested = false;
                    acks = acks + 1; // the only writer
                }
            }
            handler.prepareToDestroy();
            handler.destroy();
        } catch (Throwable t) {
            loopFailure = t;
        }
    }

    /** Outside the timing: the loop is back in run(..) and its thread sleeps (in its wait). */
    @Setup(Level.Invocation)
    public void awaitLoopAsleep() throws IOException {
        long deadline = System.nanoTime() + ROUND_TRIP_TIMEOUT_NANOS;
        while (!inRun || requested || loopStat == null) {
            check(deadline);
            Thread.onSpinWait();
        }
        while (!asleep(loopStat)) {
            check(deadline);
            Thread.onSpinWait();
        }
    }

    /** The state letter of /proc/.../stat is 'S' (interruptible sleep), after the "(name) " field. */
    private static boolean asleep(Path stat) throws IOException {
        byte[] b = Files.readAllBytes(stat);
        for (int i = b.length - 1; i > 0; i--) {
            if (b[i] == ')') {
                return i + 2 < b.length && b[i + 2] == 'S';
            }
        }
        throw new IOException("unexpected " + stat + ": " + new String(b, StandardCharsets.US_ASCII));
    }

    @Benchmark
    public long roundTrip() {
        long before = acks;
        requested = true;
        handler.wakeup();
        long spins = 0;
        long deadline = 0;
        while (acks == before) {
            if ((++spins & 0xffff) == 0) {
                if (deadline == 0) {
                    deadline = System.nanoTime() + ROUND_TRIP_TIMEOUT_NANOS;
                }
                check(deadline);
            }
            Thread.onSpinWait();
        }
        roundTrips++;
        return spins;
    }

    private void check(long deadline) {
        if (loopFailure != null) {
            throw new IllegalStateException(impl + ": the loop failed", loopFailure);
        }
        if (!loopThread.isAlive() || System.nanoTime() > deadline) {
            throw new IllegalStateException(impl + ": the loop does not answer");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        running = false;
        handler.wakeup();
        loopThread.join(TimeUnit.SECONDS.toMillis(10));
        if (loopThread.isAlive()) {
            throw new IllegalStateException(impl + ": the loop did not stop");
        }
        if (loopFailure != null) {
            throw new IllegalStateException(impl + ": the loop failed", loopFailure);
        }
        if (handler instanceof dev.pollen.channel.core.PollenIoHandler) {
            // Every round trip found the loop asleep, so each one wrote a wake-up.
            long written = ((dev.pollen.channel.core.PollenIoHandler) handler).wakeupCount();
            if (written < roundTrips) {
                throw new IllegalStateException("pollen: " + written + " wake-ups written for " + roundTrips
                        + " round trips");
            }
        }
    }
}
