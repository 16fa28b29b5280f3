package dev.pollen.channel.kqueue;

import dev.pollen.channel.DescriptorHandle;
import dev.pollen.channel.core.UnixSockets;
import dev.pollen.poller.Poller;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kqueue's own vocabulary through {@link BsdKQueue}: one kevent call with a changelist and an
 * eventlist, the read, user, timer, vnode and process filters with their NOTE_* flags, refusals as
 * EV_ERROR events, and a kqueue watched from a Pollen loop. On Linux this runs over the emulation
 * (FreeBSD's values; vnode over inotify, process exit over a pidfd).
 */
class BsdKQueueTest {
    private static final Duration DEADLINE = Duration.ofSeconds(10);

    private BsdKQueue kq;

    @BeforeEach
    void open() throws IOException {
        kq = BsdKQueue.create(16);
    }

    @AfterEach
    void close() throws IOException {
        kq.close();
    }

    /** kevent until an event of {@code filter} arrives; returns its index. */
    private int awaitEvent(int filter) throws IOException {
        long end = System.nanoTime() + DEADLINE.toNanos();
        while (System.nanoTime() < end) {
            int n = kq.kevent(DEADLINE);
            for (int i = 0; i < n; i++) {
                if (kq.filter(i) == filter) {
                    return i;
                }
            }
        }
        throw new AssertionError("no " + BsdKQueue.filterName(filter) + " event within " + DEADLINE);
    }

    @Test
    void constantsAreTheHeaders() {
        if (KQueue.isEmulated()) {
            // The emulation's <sys/event.h> carries FreeBSD's values, which are also the fallback.
            assertArrayEquals(BsdKQueue.FREEBSD, BsdKQueue.nativeConstants());
        }
        assertEquals(BsdKQueue.nativeConstants()[6], BsdKQueue.EVFILT_USER);
        assertEquals("EV_ADD|EV_CLEAR", BsdKQueue.flagsToString(BsdKQueue.EV_ADD | BsdKQueue.EV_CLEAR));
        assertEquals("EVFILT_TIMER", BsdKQueue.filterName(BsdKQueue.EVFILT_TIMER));
    }

    @Test
    void changesAndEventsInOneCall() throws IOException {
        int[] pipe = UnixSockets.pipe();
        try {
            kq.change(pipe[0], BsdKQueue.EVFILT_READ, BsdKQueue.EV_ADD, 0, 0, 11);
            kq.change(1, BsdKQueue.EVFILT_USER, BsdKQueue.EV_ADD | BsdKQueue.EV_CLEAR, 0, 0, 22);
            assertEquals(2, kq.pendingChanges());
            assertEquals(0, kq.keventNow());
            assertEquals(0, kq.pendingChanges());

            UnixSockets.write(pipe[1], ByteBuffer.allocateDirect(3));
            int i = awaitEvent(BsdKQueue.EVFILT_READ);
            assertEquals(pipe[0], kq.ident(i));
            assertEquals(11, kq.udata(i));
            assertEquals(3, kq.data(i), "bytes readable");

            // Triggering the user event and copying its flags is a change; the event comes back in the same call.
            kq.change(pipe[0], BsdKQueue.EVFILT_READ, BsdKQueue.EV_DELETE, 0, 0, 0);
            kq.change(1, BsdKQueue.EVFILT_USER, 0, BsdKQueue.NOTE_TRIGGER | BsdKQueue.NOTE_FFCOPY | 0x5, 0, 22);
            i = awaitEvent(BsdKQueue.EVFILT_USER);
            assertEquals(1, kq.ident(i));
            assertEquals(22, kq.udata(i));
            assertEquals(0x5, kq.fflags(i) & BsdKQueue.NOTE_FFLAGSMASK);
            assertTrue(kq.eventToString(i).startsWith("kevent{ident=1, filter=EVFILT_USER"), kq.eventToString(i));
        } finally {
            UnixSockets.close(pipe[0]);
            UnixSockets.close(pipe[1]);
        }
    }

    @Test
    void timerCountsExpirations() throws IOException {
        kq.change(7, BsdKQueue.EVFILT_TIMER, BsdKQueue.EV_ADD, 0, 5, 0); // every 5 ms
        long expirations = 0;
        long end = System.nanoTime() + DEADLINE.toNanos();
        while (expirations < 3 && System.nanoTime() < end) {
            int i = awaitEvent(BsdKQueue.EVFILT_TIMER);
            assertEquals(7, kq.ident(i));
            assertTrue(kq.data(i) >= 1);
            expirations += kq.data(i);
        }
        assertTrue(expirations >= 3, expirations + " expirations");
        kq.change(7, BsdKQueue.EVFILT_TIMER, BsdKQueue.EV_DELETE, 0, 0, 0);
        kq.keventNow();
    }

    @Test
    void vnodeReportsWritesAndDeletion(@TempDir Path dir) throws IOException {
        Path file = Files.write(dir.resolve("watched"), new byte[] {1});
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            int fd = Poller.descriptor(channel);
            kq.change(fd, BsdKQueue.EVFILT_VNODE, BsdKQueue.EV_ADD | BsdKQueue.EV_CLEAR,
                    BsdKQueue.NOTE_WRITE | BsdKQueue.NOTE_EXTEND | BsdKQueue.NOTE_DELETE, 0, 0);
            assertEquals(0, kq.keventNow());
            Files.write(file, new byte[] {2, 3}, StandardOpenOption.APPEND);
            int i = awaitEvent(BsdKQueue.EVFILT_VNODE);
            assertEquals(fd, kq.ident(i));
            assertEquals(BsdKQueue.NOTE_WRITE | BsdKQueue.NOTE_EXTEND, kq.fflags(i));
            Files.delete(file);
            i = awaitEvent(BsdKQueue.EVFILT_VNODE);
            assertTrue((kq.fflags(i) & BsdKQueue.NOTE_DELETE) != 0, Integer.toHexString(kq.fflags(i)));
        }
    }

    @Test
    void processExit() throws Exception {
        Process child = new ProcessBuilder("cat").start();
        kq.change(child.pid(), BsdKQueue.EVFILT_PROC, BsdKQueue.EV_ADD, BsdKQueue.NOTE_EXIT, 0, 99);
        assertEquals(0, kq.keventNow());
        child.getOutputStream().close();
        int i = awaitEvent(BsdKQueue.EVFILT_PROC);
        assertEquals(child.pid(), kq.ident(i));
        assertEquals(BsdKQueue.NOTE_EXIT, kq.fflags(i));
        assertTrue((kq.flags(i) & BsdKQueue.EV_EOF) != 0, BsdKQueue.flagsToString(kq.flags(i)));
        assertEquals(99, kq.udata(i));
        assertTrue(child.waitFor(10, TimeUnit.SECONDS));
        // The knote went with the process.
        kq.change(child.pid(), BsdKQueue.EVFILT_PROC, BsdKQueue.EV_DELETE, 0, 0, 0);
        assertEquals(1, kq.keventNow());
        assertEquals(BsdKQueue.EV_ERROR, kq.flags(0) & BsdKQueue.EV_ERROR);
        assertEquals("No such file or directory", BsdKQueue.errorMessage(kq.data(0)));
    }

    @Test
    void refusalsComeBackAsErrorEvents() throws IOException {
        int[] pipe = UnixSockets.pipe();
        UnixSockets.close(pipe[0]);
        UnixSockets.close(pipe[1]);
        kq.change(pipe[0], BsdKQueue.EVFILT_VNODE, BsdKQueue.EV_ADD, BsdKQueue.NOTE_WRITE, 0, 0);
        kq.change(Integer.MAX_VALUE, BsdKQueue.EVFILT_PROC, BsdKQueue.EV_ADD, BsdKQueue.NOTE_EXIT, 0, 0);
        kq.change(5, BsdKQueue.EVFILT_USER, BsdKQueue.EV_DELETE, 0, 0, 0);
        assertEquals(3, kq.keventNow());
        for (int i = 0; i < 3; i++) {
            assertEquals(BsdKQueue.EV_ERROR, kq.flags(i) & BsdKQueue.EV_ERROR, kq.eventToString(i));
        }
        assertEquals("Bad file descriptor", BsdKQueue.errorMessage(kq.data(0)));
        assertEquals("No such process", BsdKQueue.errorMessage(kq.data(1)));
        assertEquals("No such file or directory", BsdKQueue.errorMessage(kq.data(2)));
        if (KQueue.isEmulated()) {
            // No Linux counterpart a test emulation can use: refused, never silently ignored.
            kq.change(10, BsdKQueue.EVFILT_SIGNAL, BsdKQueue.EV_ADD, 0, 0, 0);
            kq.change(1, BsdKQueue.EVFILT_PROC, BsdKQueue.EV_ADD, BsdKQueue.NOTE_FORK, 0, 0);
            assertEquals(2, kq.keventNow());
            assertEquals("Invalid argument", BsdKQueue.errorMessage(kq.data(0)));
            assertEquals("Invalid argument", BsdKQueue.errorMessage(kq.data(1)));
        }
        assertThrows(IllegalArgumentException.class, () -> kq.change(1, 1 << 16, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> BsdKQueue.create(0));
        kq.close();
        assertThrows(ClosedSelectorException.class, () -> kq.keventNow());
    }

    /** A kqueue is readable while events wait: a Pollen loop can watch it, here for a file's changes. */
    @Test
    void aKqueueWatchedFromAPollenLoop(@TempDir Path dir) throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, KQueueIoHandler.newFactory());
        Path file = Files.write(dir.resolve("watched"), new byte[] {1});
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            kq.change(Poller.descriptor(channel), BsdKQueue.EVFILT_VNODE, BsdKQueue.EV_ADD | BsdKQueue.EV_CLEAR,
                    BsdKQueue.NOTE_WRITE, 0, 0);
            kq.keventNow();
            CompletableFuture<Integer> fired = new CompletableFuture<>();
            DescriptorHandle.watch((IoEventLoop) group.next(), kq.fd(), Poller.READ, (handle, ready) -> {
                int n = kq.keventNow();
                for (int i = 0; i < n; i++) {
                    fired.complete(kq.fflags(i));
                }
            }).sync();
            Files.write(file, new byte[] {2}, StandardOpenOption.APPEND);
            assertEquals(BsdKQueue.NOTE_WRITE, fired.get(10, TimeUnit.SECONDS).intValue());
        } finally {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
