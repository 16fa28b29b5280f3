package dev.pollen.benchmarks.micro;

import dev.pollen.poller.Poller;
import dev.pollen.transport.Transport;
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
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;

/**
 * Waiting on and walking N ready descriptors: Pollen's {@link Poller} ({@code pollNow()} then
 * {@code forEachReady}) against the JDK's {@link Selector} ({@code selectNow()} then the selected-key set,
 * cleared as an application does). The same JDK pipes, each holding one unread byte, so every read end
 * is ready at every wait (level-triggered). Score: time per ready descriptor.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PollerBenchmark {
    @Param({"pollen", "selector"})
    public String impl;

    @Param({"1", "16", "256"})
    public int events;

    private Pipe[] pipes;
    private Poller poller;
    private Selector selector;
    private int sum;
    private final Poller.ReadyConsumer adder = (fd, ready) -> sum += ready;

    @Setup(Level.Trial)
    public void setup() throws IOException {
        pipes = new Pipe[events];
        for (int i = 0; i < events; i++) {
            pipes[i] = Pipe.open();
            pipes[i].source().configureBlocking(false);
            pipes[i].sink().write(ByteBuffer.wrap(new byte[] {1}));
        }
        if ("pollen".equals(impl)) {
            poller = Poller.open(Transport.require("epoll"), Math.max(events, 1));
            for (Pipe p : pipes) {
                poller.set(Poller.descriptor(p.source()), Poller.READ);
            }
        } else if ("selector".equals(impl)) {
            selector = Selector.open();
            for (Pipe p : pipes) {
                p.source().register(selector, SelectionKey.OP_READ);
            }
        } else {
            throw new IllegalArgumentException(impl);
        }
        int n = waitAndWalk();
        if (n != events) {
            throw new IllegalStateException(impl + ": " + n + " ready, expected " + events);
        }
    }

    @Benchmark
    public int waitAndWalk() throws IOException {
        sum = 0;
        if (poller != null) {
            poller.pollNow();
            poller.forEachReady(adder);
            return sum;
        }
        selector.selectNow();
        Iterator<SelectionKey> it = selector.selectedKeys().iterator();
        while (it.hasNext()) {
            sum += it.next().readyOps();
            it.remove();
        }
        return sum;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        if (poller != null) {
            poller.close();
        }
        if (selector != null) {
            selector.close();
        }
        for (Pipe p : pipes) {
            p.source().close();
            p.sink().close();
        }
    }
}
