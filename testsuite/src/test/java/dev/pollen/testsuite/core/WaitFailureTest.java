package dev.pollen.testsuite.core;

import dev.pollen.channel.core.PollenIoHandler;
import dev.pollen.channel.core.PollerBackend;
import dev.pollen.testsuite.PollenTransports;
import dev.pollen.testsupport.TransportTestSupport;
import dev.pollen.transport.Transport;
import io.netty.channel.DefaultSelectStrategyFactory;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.ThreadAwareExecutor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static dev.pollen.testsupport.TransportTestSupport.onLoop;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A poller whose waits keep failing does not spin the loop: the loop still runs its tasks, pauses
 * between failed waits (1 ms, doubling up to 1 s), counts them, and waits normally once the
 * poller recovers.
 */
class WaitFailureTest {
    /** The transport under test (-Dpollen.testsuite.transport). */
    private static final Transport T = PollenTransports.transport();

    /** The transport's own backend, except that its waits fail with EIO while {@code failing} is set. */
    private static final class FailingBackend implements PollerBackend {
        private static final int EIO = 5;
        final PollerBackend real;
        volatile boolean failing;
        /** When each failed wait was called (System.nanoTime()). */
        final List<Long> failures = new CopyOnWriteArrayList<>();

        FailingBackend(PollerBackend real) {
            this.real = real;
        }

        @Override
        public int wait(long poller, long eventsAddress, int max, long timeoutNanos) {
            if (failing) {
                failures.add(System.nanoTime());
                return -EIO;
            }
            return real.wait(poller, eventsAddress, max, timeoutNanos);
        }

        @Override
        public String name() {
            return real.name();
        }

        @Override
        public int capabilities() {
            return real.capabilities();
        }

        @Override
        public long create(int capacity) {
            return real.create(capacity);
        }

        @Override
        public int ctl(long poller, int op, int fd, int interest, long token) {
            return real.ctl(poller, op, fd, interest, token);
        }

        @Override
        public int ioBatch(long poller, long opsAddress, int count) {
            return real.ioBatch(poller, opsAddress, count);
        }

        @Override
        public int wake(long poller) {
            return real.wake(poller);
        }

        @Override
        public int close(long poller) {
            return real.close(poller);
        }

        @Override
        public String nativeInterestNames(int interest) {
            return real.nativeInterestNames(interest);
        }
    }

    private static final class Handler extends PollenIoHandler {
        Handler(PollerBackend backend, ThreadAwareExecutor executor) {
            super(backend, executor, DefaultSelectStrategyFactory.INSTANCE.newSelectStrategy());
        }
    }

    private static PollerBackend transportBackend() throws Exception {
        EventLoopGroup probe = TransportTestSupport.newGroup(T, 1);
        try {
            return onLoop(probe.next(), () -> PollenIoHandler.current().backend());
        } finally {
            TransportTestSupport.shutdown(probe);
        }
    }

    @Test
    void failingWaitsPauseTheLoopAndItRecovers() throws Exception {
        FailingBackend backend = new FailingBackend(transportBackend());
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, executor -> new Handler(backend, executor));
        try {
            EventLoop loop = group.next();
            assertEquals(0L, (long) onLoop(loop, () -> PollenIoHandler.current().failedWaitCount()));

            backend.failing = true;
            // Tasks still run while every wait fails; each one wakes the loop into another failing wait.
            int streak = 12;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            for (int i = 0; backend.failures.size() < streak; i++) {
                assertTrue(System.nanoTime() < deadline, "only " + backend.failures.size() + " failed waits in 60 s");
                int n = i;
                assertEquals(n, (int) onLoop(loop, () -> n));
                Thread.sleep(10);
            }
            // Between two failed waits the loop paused at least 1, 2, 4, ... ms, never more than 1 s apart
            // from the doubling: a loop that spun would show thousands of failures here.
            List<Long> at = List.copyOf(backend.failures);
            for (int k = 1; k < streak; k++) {
                long pauseMs = Math.min(1L << (k - 1), 1000);
                long gap = at.get(k) - at.get(k - 1);
                assertTrue(gap >= TimeUnit.MILLISECONDS.toNanos(pauseMs),
                        "failed wait " + (k + 1) + " came " + gap + " ns after the previous one, expected >= " + pauseMs
                                + " ms");
            }

            backend.failing = false;
            long waitsBefore = onLoop(loop, () -> PollenIoHandler.current().waitCount());
            // The loop waits again once it has run its tasks; tasks sent back to back can all run in one
            // batch with no wait between them, so look until a wait has happened, between pauses.
            long recoveryDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (onLoop(loop, () -> PollenIoHandler.current().waitCount()) <= waitsBefore) {
                assertTrue(System.nanoTime() < recoveryDeadline, "no wait in 60 s after the poller recovered");
                Thread.sleep(10);
            }
            int failed = backend.failures.size(); // a wait failing as the switch flipped has returned by now
            long counted = onLoop(loop, () -> PollenIoHandler.current().failedWaitCount());
            assertEquals(failed, counted, "failed waits the handler counted");
            String description = onLoop(loop, () -> PollenIoHandler.current().toString());
            assertTrue(description.contains("failedWaits=" + failed), description);
        } finally {
            backend.failing = false;
            TransportTestSupport.shutdown(group);
        }
    }
}
