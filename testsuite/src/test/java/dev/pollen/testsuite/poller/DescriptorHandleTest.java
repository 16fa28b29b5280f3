package dev.pollen.testsuite.poller;

import dev.pollen.channel.DescriptorHandle;
import dev.pollen.channel.core.UnixSockets;
import dev.pollen.poller.Poller;
import dev.pollen.testsuite.PollenTransports;
import dev.pollen.testsupport.TransportTestSupport;
import dev.pollen.transport.Transport;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A descriptor that is not a channel, watched by a loop of the transport under test: a pipe's data
 * reaches the listener on the loop thread, interest changes and cancellation take effect, errors reach
 * {@code exceptionCaught}, and every watch ends with {@code unregistered} (also at shutdown).
 */
class DescriptorHandleTest {
    private static final Transport T = PollenTransports.transport();
    private static final EventLoopGroup GROUP = TransportTestSupport.newGroup(T, 1);

    @AfterAll
    static void shutdown() {
        TransportTestSupport.shutdown(GROUP);
    }

    private static IoEventLoop loop() {
        return (IoEventLoop) GROUP.next();
    }

    /** Collects what the pipe brings, on the loop; completes at end of file. */
    private static final class Drain implements DescriptorHandle.Listener {
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        final CompletableFuture<byte[]> eof = new CompletableFuture<>();
        final CountDownLatch unregistered = new CountDownLatch(1);
        final ByteBuffer buffer = ByteBuffer.allocateDirect(4096);
        volatile boolean onLoop = true;

        @Override
        public void ready(DescriptorHandle handle, int ready) throws IOException {
            onLoop &= handle.loop().inEventLoop();
            // One read per call: the descriptor is readable, so it does not block, and what is left
            // makes it ready again on the next iteration (level-triggered).
            buffer.clear();
            int n = UnixSockets.read(handle.fd(), buffer);
            if (n < 0) {
                handle.cancel();
                eof.complete(received.toByteArray());
                return;
            }
            buffer.flip();
            byte[] chunk = new byte[n];
            buffer.get(chunk);
            received.write(chunk, 0, n);
        }

        @Override
        public void unregistered(DescriptorHandle handle) {
            onLoop &= handle.loop().inEventLoop();
            unregistered.countDown();
        }
    }

    @Test
    void pipeDataReachesTheListenerOnTheLoop() throws Exception {
        int[] pipe = UnixSockets.pipe();
        Drain drain = new Drain();
        DescriptorHandle handle = DescriptorHandle.watch(loop(), pipe[0], Poller.READ, drain).sync().getNow();
        assertTrue(handle.isActive());
        assertEquals(pipe[0], handle.fd());
        byte[] sent = new byte[256 * 1024];
        for (int i = 0; i < sent.length; i++) {
            sent[i] = (byte) (i * 31);
        }
        ByteBuffer out = ByteBuffer.allocateDirect(sent.length).put(sent).flip();
        while (out.hasRemaining()) { // blocking write end: the loop drains while we write
            UnixSockets.write(pipe[1], out);
        }
        UnixSockets.close(pipe[1]);
        assertArrayEquals(sent, drain.eof.get(10, TimeUnit.SECONDS));
        assertTrue(drain.unregistered.await(10, TimeUnit.SECONDS));
        assertFalse(handle.isActive());
        assertTrue(drain.onLoop, "listener called off the loop thread");
        UnixSockets.close(pipe[0]);
    }

    @Test
    void interestChangesAndCancel() throws Exception {
        int[] pipe = UnixSockets.pipe();
        AtomicInteger writable = new AtomicInteger();
        CountDownLatch firstWritable = new CountDownLatch(1);
        CountDownLatch unregistered = new CountDownLatch(1);
        DescriptorHandle handle = DescriptorHandle.watch(loop(), pipe[1], Poller.WRITE, new DescriptorHandle.Listener() {
            @Override
            public void ready(DescriptorHandle h, int ready) {
                if ((ready & Poller.WRITABLE) != 0) {
                    writable.incrementAndGet();
                    firstWritable.countDown();
                    h.interest(Poller.READ); // a pipe's write end is never readable: quiet from now on
                }
            }

            @Override
            public void unregistered(DescriptorHandle h) {
                unregistered.countDown();
            }
        }).sync().getNow();
        assertTrue(firstWritable.await(10, TimeUnit.SECONDS));
        // The change was applied: a task queued behind it finds no further writability reported.
        int afterChange = handle.loop().submit(writable::get).get(10, TimeUnit.SECONDS);
        assertEquals(afterChange, handle.loop().submit(writable::get).get(10, TimeUnit.SECONDS));
        assertEquals(Poller.READ, handle.interest());
        assertTrue(handle.toString().startsWith("DescriptorHandle{fd=" + pipe[1] + ", interest=READ"), handle.toString());

        assertTrue(handle.cancel());
        assertFalse(handle.cancel());
        assertTrue(unregistered.await(10, TimeUnit.SECONDS));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> handle.interest(Poller.WRITE));
        assertEquals("interest(..) failed: the watch of fd " + pipe[1] + " has ended", e.getMessage());
        UnixSockets.close(pipe[0]);
        UnixSockets.close(pipe[1]);
    }

    @Test
    void aThrowingListenerEndsItsWatch() throws Exception {
        int[] pipe = UnixSockets.pipe();
        AtomicReference<Throwable> caught = new AtomicReference<>();
        CountDownLatch unregistered = new CountDownLatch(1);
        DescriptorHandle.watch(loop(), pipe[1], Poller.WRITE, new DescriptorHandle.Listener() {
            @Override
            public void ready(DescriptorHandle h, int ready) {
                throw new IllegalStateException("listener failed");
            }

            @Override
            public void exceptionCaught(DescriptorHandle h, Throwable cause) {
                caught.compareAndSet(null, cause);
                DescriptorHandle.Listener.super.exceptionCaught(h, cause); // logs and cancels
            }

            @Override
            public void unregistered(DescriptorHandle h) {
                unregistered.countDown();
            }
        }).sync();
        assertTrue(unregistered.await(10, TimeUnit.SECONDS));
        assertEquals("listener failed", caught.get().getMessage());
        UnixSockets.close(pipe[0]);
        UnixSockets.close(pipe[1]);
    }

    /** A regular file: epoll refuses it when the loop applies the interest; kqueue reports it. */
    @Test
    void aDescriptorThePollerRefuses(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("f");
        Files.write(file, new byte[] {1});
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            int fd = Poller.descriptor(channel);
            CompletableFuture<Object> outcome = new CompletableFuture<>();
            CountDownLatch unregistered = new CountDownLatch(1);
            DescriptorHandle.watch(loop(), fd, Poller.READ, new DescriptorHandle.Listener() {
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
            }).sync();
            Object result = outcome.get(10, TimeUnit.SECONDS);
            if (T.name().equals("kqueue")) {
                // BSD: always readable. The Linux emulation sits on epoll, which refuses it: ERROR.
                int ready = (Integer) result;
                assertTrue((ready & (Poller.READABLE | Poller.ERROR)) != 0, Poller.readyToString(ready));
            } else {
                assertTrue(result instanceof IOException, String.valueOf(result));
                assertEquals(T.name() + "_ctl_add(..) failed: Operation not permitted", ((IOException) result).getMessage());
            }
            assertTrue(unregistered.await(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void shutdownEndsEveryWatch() throws Exception {
        EventLoopGroup group = TransportTestSupport.newGroup(T, 1);
        int[] pipe = UnixSockets.pipe();
        CountDownLatch unregistered = new CountDownLatch(1);
        DescriptorHandle handle = DescriptorHandle.watch((IoEventLoop) group.next(), pipe[0], Poller.READ,
                new DescriptorHandle.Listener() {
                    @Override
                    public void ready(DescriptorHandle h, int ready) {
                    }

                    @Override
                    public void unregistered(DescriptorHandle h) {
                        unregistered.countDown();
                    }
                }).sync().getNow();
        TransportTestSupport.shutdown(group);
        assertTrue(unregistered.await(10, TimeUnit.SECONDS));
        assertFalse(handle.isActive());
        UnixSockets.close(pipe[0]);
        UnixSockets.close(pipe[1]);
    }

    @Test
    void badInputIsRefused() throws Exception {
        DescriptorHandle.Listener nothing = (h, ready) -> { };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DescriptorHandle.watch(loop(), -1, Poller.READ, nothing));
        assertEquals("watch(..) failed: negative descriptor -1", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> DescriptorHandle.watch(loop(), 0, 0, nothing));
        assertEquals("watch(..) failed: interest NONE (expected: a non-empty set of READ, WRITE, READ_CLOSED)",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> DescriptorHandle.watch(loop(), 0, Poller.READ | Poller.ONESHOT, nothing));
        assertTrue(e.getMessage().startsWith("watch(..) failed: interest READ|ONESHOT"), e.getMessage());
        EventLoopGroup nio = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            e = assertThrows(IllegalArgumentException.class,
                    () -> DescriptorHandle.watch((IoEventLoop) nio.next(), 0, Poller.READ, nothing));
            assertTrue(e.getMessage().endsWith("is not a Pollen event loop"), e.getMessage());
        } finally {
            TransportTestSupport.shutdown(nio);
        }
    }
}
