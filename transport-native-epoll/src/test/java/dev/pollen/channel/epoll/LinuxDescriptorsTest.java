package dev.pollen.channel.epoll;

import dev.pollen.channel.DescriptorHandle;
import dev.pollen.poller.Poller;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Linux descriptors watched from an epoll event loop with {@link DescriptorHandle}: a directory through
 * inotify, a child process's exit through a pidfd, a timerfd and an eventfd. These are the README's
 * worked examples.
 */
class LinuxDescriptorsTest {
    private static EventLoopGroup group;

    @BeforeAll
    static void start() {
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    }

    @AfterAll
    static void stop() {
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static IoEventLoop loop() {
        return (IoEventLoop) group.next();
    }

    /** Closes the descriptor once the loop has let go of it. */
    private abstract static class Watch implements DescriptorHandle.Listener {
        final CountDownLatch closed = new CountDownLatch(1);

        @Override
        public void unregistered(DescriptorHandle handle) {
            try {
                LinuxDescriptors.close(handle.fd());
            } catch (IOException e) {
                throw new AssertionError(e);
            }
            closed.countDown();
        }
    }

    @Test
    void directoryWatcher(@TempDir Path dir) throws Exception {
        int inotify = LinuxDescriptors.inotifyInit();
        int wd = LinuxDescriptors.inotifyAddWatch(inotify, dir, LinuxDescriptors.IN_CREATE | LinuxDescriptors.IN_DELETE);
        List<String> seen = new ArrayList<>();
        CompletableFuture<List<String>> done = new CompletableFuture<>();
        ByteBuffer buffer = ByteBuffer.allocateDirect(4096);
        Watch watch = new Watch() {
            @Override
            public void ready(DescriptorHandle handle, int ready) throws IOException {
                LinuxDescriptors.readInotifyEvents(handle.fd(), buffer, (w, mask, cookie, name) -> {
                    assertEquals(wd, w);
                    seen.add(((mask & LinuxDescriptors.IN_CREATE) != 0 ? "created " : "deleted ") + name);
                });
                if (seen.size() == 2) {
                    done.complete(new ArrayList<>(seen));
                    handle.cancel();
                }
            }
        };
        DescriptorHandle.watch(loop(), inotify, Poller.READ, watch).sync();
        Path file = Files.createFile(dir.resolve("a.txt"));
        Files.delete(file);
        assertEquals(List.of("created a.txt", "deleted a.txt"), done.get(10, TimeUnit.SECONDS));
        assertTrue(watch.closed.await(10, TimeUnit.SECONDS));
    }

    @Test
    void childProcessExit() throws Exception {
        Process child = new ProcessBuilder("cat").start(); // runs until its stdin closes
        int pidfd = LinuxDescriptors.pidfdOpen(child.pid());
        CompletableFuture<Boolean> exited = new CompletableFuture<>();
        Watch watch = new Watch() {
            @Override
            public void ready(DescriptorHandle handle, int ready) {
                exited.complete(handle.loop().inEventLoop());
                handle.cancel();
            }
        };
        DescriptorHandle.watch(loop(), pidfd, Poller.READ, watch).sync();
        assertTrue(child.isAlive());
        child.getOutputStream().close();
        assertTrue(exited.get(10, TimeUnit.SECONDS), "called on the loop");
        assertTrue(child.waitFor(10, TimeUnit.SECONDS));
        assertTrue(watch.closed.await(10, TimeUnit.SECONDS));
    }

    @Test
    void timerfdTicks() throws Exception {
        int timer = LinuxDescriptors.timerfdCreate();
        long[] expiries = {0};
        CompletableFuture<Long> done = new CompletableFuture<>();
        Watch watch = new Watch() {
            @Override
            public void ready(DescriptorHandle handle, int ready) throws IOException {
                expiries[0] += LinuxDescriptors.timerfdRead(handle.fd());
                if (expiries[0] >= 3) {
                    done.complete(expiries[0]);
                    handle.cancel();
                }
            }
        };
        DescriptorHandle.watch(loop(), timer, Poller.READ, watch).sync();
        LinuxDescriptors.timerfdSet(timer, Duration.ofMillis(5), Duration.ofMillis(5));
        assertTrue(done.get(10, TimeUnit.SECONDS) >= 3);
        assertTrue(watch.closed.await(10, TimeUnit.SECONDS));
    }

    @Test
    void eventfdFromOtherThreads() throws Exception {
        int counter = LinuxDescriptors.eventfd(0, false);
        long[] sum = {0};
        CompletableFuture<Long> done = new CompletableFuture<>();
        Watch watch = new Watch() {
            @Override
            public void ready(DescriptorHandle handle, int ready) throws IOException {
                sum[0] += LinuxDescriptors.eventfdRead(handle.fd());
                if (sum[0] == 1 + 2 + 3 + 4 + 5) {
                    done.complete(sum[0]);
                    handle.cancel();
                }
            }
        };
        DescriptorHandle.watch(loop(), counter, Poller.READ, watch).sync();
        for (int i = 1; i <= 5; i++) {
            LinuxDescriptors.eventfdWrite(counter, i);
        }
        assertEquals(15L, done.get(10, TimeUnit.SECONDS));
        assertTrue(watch.closed.await(10, TimeUnit.SECONDS));
    }

    @Test
    void errorsNameTheCall(@TempDir Path dir) throws Exception {
        IOException e = assertThrows(IOException.class, () -> LinuxDescriptors.pidfdOpen(Integer.MAX_VALUE));
        assertEquals("pidfd_open(..) failed: No such process", e.getMessage());
        int inotify = LinuxDescriptors.inotifyInit();
        try {
            e = assertThrows(IOException.class,
                    () -> LinuxDescriptors.inotifyAddWatch(inotify, dir.resolve("missing"), LinuxDescriptors.IN_CREATE));
            assertEquals("inotify_add_watch(..) failed: No such file or directory", e.getMessage());
            assertEquals(0, LinuxDescriptors.readInotifyEvents(inotify, ByteBuffer.allocateDirect(4096),
                    (wd, mask, cookie, name) -> { }));
        } finally {
            LinuxDescriptors.close(inotify);
        }
        int counter = LinuxDescriptors.eventfd(0, false);
        try {
            assertEquals(0, LinuxDescriptors.eventfdRead(counter)); // nothing yet, no blocking
            assertThrows(IllegalArgumentException.class, () -> LinuxDescriptors.eventfdWrite(counter, 0));
        } finally {
            LinuxDescriptors.close(counter);
        }
        assertThrows(IllegalArgumentException.class, () -> LinuxDescriptors.pidfdOpen(0));
    }
}
