package dev.pollen.benchmarks.micro;

import dev.pollen.channel.core.PollenIoOps;
import dev.pollen.channel.core.Readiness;
import io.netty.channel.IoHandler;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoOps;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.concurrent.TimeUnit;

/**
 * One {@code IoHandler.run(..)} of a loop with tasks waiting (a non-blocking poll) that finds
 * {@code events} registered handles ready, each handle only counting its event. Score: time per
 * run; the table divides it by {@code events}.
 * <ul>
 * <li>{@code poll=none}: the Java side alone. Both handlers run with a {@link ReplayStrategy}: after
 * one first wait, each run dispatches again the events that wait left in the handler's event
 * array, without a system call. Pollen's {@code PollenIoHandler} runs over a {@link FakePoller},
 * whose wait reports every handle ready with no kernel involved; Netty's {@code EpollIoHandler}
 * makes its first wait a real epoll_wait on ready pipes.</li>
 * <li>{@code poll=epoll}: each run makes a real epoll_wait(0) on {@code events} level-triggered
 * pipes holding one unread byte; Pollen's and Netty's epoll handlers, as shipped.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DispatchBenchmark {
    @Param({"pollen", "netty"})
    public String impl;

    @Param({"none", "epoll"})
    public String poll;

    @Param({"1", "16", "256"})
    public int events;

    private IoHandler handler;
    private CountingPollenHandle[] pollenHandles;
    private CountingNettyHandle[] nettyHandles;
    private dev.pollen.channel.FileDescriptor[][] pollenPipes;
    private io.netty.channel.unix.FileDescriptor[][] nettyPipes;

    @Setup
    public void setup() throws Exception {
        LoopThread loop = new LoopThread(Thread.currentThread());
        ReplayStrategy replay = null;
        boolean fake = "none".equals(poll);
        if (!fake && !"epoll".equals(poll)) {
            throw new IllegalArgumentException("poll: none or epoll, not " + poll);
        }
        if ("pollen".equals(impl)) {
            dev.pollen.channel.epoll.Epoll.ensureAvailability();
            ReplayStrategy strategy = new ReplayStrategy();
            replay = fake ? strategy : null;
            handler = fake ? new FakePoller.Handler(new FakePoller(), loop, strategy)
                    : dev.pollen.channel.epoll.EpollIoHandler.newFactory().newHandler(loop);
            handler.initialize();
            if (!fake) {
                pollenPipes = ReadyPipes.pollen(events);
            }
            pollenHandles = new CountingPollenHandle[events];
            for (int i = 0; i < events; i++) {
                // Without a kernel any distinct numbers do as descriptors.
                pollenHandles[i] = new CountingPollenHandle(fake ? 100_000 + i : pollenPipes[i][0].intValue());
                IoRegistration reg = handler.register(pollenHandles[i]);
                reg.submit(PollenIoOps.of(Readiness.INTEREST_READ));
            }
        } else if ("netty".equals(impl)) {
            io.netty.channel.epoll.Epoll.ensureAvailability();
            ReplayStrategy strategy = new ReplayStrategy();
            replay = fake ? strategy : null;
            handler = fake ? io.netty.channel.epoll.EpollIoHandler.newFactory(0, () -> strategy).newHandler(loop)
                    : io.netty.channel.epoll.EpollIoHandler.newFactory().newHandler(loop);
            handler.initialize();
            nettyPipes = ReadyPipes.netty(events);
            nettyHandles = new CountingNettyHandle[events];
            for (int i = 0; i < events; i++) {
                nettyHandles[i] = new CountingNettyHandle(nettyPipes[i][0]);
                IoRegistration reg = handler.register(nettyHandles[i]);
                reg.submit(EpollIoOps.EPOLLIN);
            }
        } else {
            throw new IllegalArgumentException("impl: pollen or netty, not " + impl);
        }
        int n = handler.run(NonBlockingContext.INSTANCE);
        if (n != events) {
            throw new IllegalStateException(impl + ": the first run dispatched " + n + " events, not " + events);
        }
        if (replay != null) {
            replay.replay(events);
        }
        check(1);
    }

    @Benchmark
    public int dispatch() {
        return handler.run(NonBlockingContext.INSTANCE);
    }

    /** Every handle got the same number of events, at least {@code min}, all of them readable. */
    private void check(long min) {
        long first = -1;
        int count = pollenHandles != null ? pollenHandles.length : nettyHandles.length;
        for (int i = 0; i < count; i++) {
            long ev = pollenHandles != null ? pollenHandles[i].events : nettyHandles[i].events;
            long bits = pollenHandles != null ? pollenHandles[i].readyBits : nettyHandles[i].readyBits;
            int readable = pollenHandles != null ? Readiness.READABLE : EpollIoOps.EPOLLIN.value();
            if (first < 0) {
                first = ev;
            }
            if (ev != first || ev < min || bits != ev * readable) {
                throw new IllegalStateException(impl + ": handle " + i + " got " + ev + " events (ready bits "
                        + bits + "), handle 0 got " + first);
            }
        }
    }

    @TearDown
    public void tearDown() throws Exception {
        check(2);
        handler.prepareToDestroy();
        handler.destroy();
        ReadyPipes.close(pollenPipes);
        ReadyPipes.close(nettyPipes);
    }
}
