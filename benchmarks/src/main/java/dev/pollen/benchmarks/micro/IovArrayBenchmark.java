package dev.pollen.benchmarks.micro;

import dev.pollen.channel.core.PollenIoHandler;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.embedded.EmbeddedChannel;
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
 * Filling the native iovec array of one gathering write from a {@link ChannelOutboundBuffer} holding
 * {@code buffers} flushed direct buffers of {@code bytes} bytes each, as a stream channel's write
 * does: Pollen's per-loop {@code dev.pollen.channel.core.IovArray} (from
 * {@link PollenIoHandler#iovArray()}, which clears it) against Netty's
 * {@code io.netty.channel.unix.IovArray} (cleared, as Netty's epoll channel does). The messages stay
 * in the buffer; only the array is filled, again and again. Score: time per fill.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class IovArrayBenchmark {
    @Param({"pollen", "netty"})
    public String impl;

    @Param({"1", "16", "256"})
    public int buffers;

    @Param({"128"})
    public int bytes;

    private EmbeddedChannel channel;
    private ChannelOutboundBuffer out;
    private PollenIoHandler pollenLoop;
    private io.netty.channel.unix.IovArray nettyIov;

    @Setup
    public void setup() throws Exception {
        if ("pollen".equals(impl)) {
            dev.pollen.channel.epoll.Epoll.ensureAvailability();
            pollenLoop = (PollenIoHandler) dev.pollen.channel.epoll.EpollIoHandler.newFactory()
                    .newHandler(new LoopThread(Thread.currentThread()));
        } else if ("netty".equals(impl)) {
            // Netty's IovArray reads IOV_MAX from its natives.
            io.netty.channel.epoll.Epoll.ensureAvailability();
            nettyIov = new io.netty.channel.unix.IovArray();
        } else {
            throw new IllegalArgumentException("impl: pollen or netty, not " + impl);
        }
        channel = new EmbeddedChannel();
        out = channel.unsafe().outboundBuffer();
        for (int i = 0; i < buffers; i++) {
            ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(bytes);
            buf.writeZero(bytes);
            out.addMessage(buf, bytes, channel.voidPromise());
        }
        out.addFlush();
        long size = fill();
        if (size != (long) buffers * bytes) {
            throw new IllegalStateException(impl + ": the array holds " + size + " bytes, not " + (long) buffers * bytes);
        }
    }

    /** Fills the array; returns its byte count, and checks its iovec count. */
    private long fill() throws Exception {
        if (pollenLoop != null) {
            dev.pollen.channel.core.IovArray iov = pollenLoop.iovArray();
            out.forEachFlushedMessage(iov);
            if (iov.count() != buffers) {
                throw new IllegalStateException("pollen: " + iov.count() + " iovecs, not " + buffers);
            }
            return iov.size();
        }
        nettyIov.clear();
        out.forEachFlushedMessage(nettyIov);
        if (nettyIov.count() != buffers) {
            throw new IllegalStateException("netty: " + nettyIov.count() + " iovecs, not " + buffers);
        }
        return nettyIov.size();
    }

    @Benchmark
    public long fillIovArray() throws Exception {
        if (pollenLoop != null) {
            dev.pollen.channel.core.IovArray iov = pollenLoop.iovArray();
            out.forEachFlushedMessage(iov);
            return iov.size();
        }
        io.netty.channel.unix.IovArray iov = nettyIov;
        iov.clear();
        out.forEachFlushedMessage(iov);
        return iov.size();
    }

    @TearDown
    public void tearDown() throws Exception {
        long size = fill();
        if (size != (long) buffers * bytes) {
            throw new IllegalStateException(impl + ": the array holds " + size + " bytes at the end");
        }
        while (out.remove()) {
            // releases each buffer
        }
        channel.finishAndReleaseAll();
        if (pollenLoop != null) {
            pollenLoop.destroy();
        }
        if (nettyIov != null) {
            nettyIov.release();
        }
    }
}
