package dev.pollen.testsuite.poller;

import dev.pollen.channel.core.UnixSockets;
import dev.pollen.poller.Poller;
import dev.pollen.testsuite.PollenTransports;
import dev.pollen.transport.Transport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.FileChannel;
import java.nio.channels.Pipe;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The portable poller API on the backend under test (-Dpollen.testsuite.transport): readiness of JDK
 * sockets and pipes, the interest-set mirror, stale events never delivered, timeouts never cut short,
 * wake-ups and closing from other threads, and the modes each backend refuses.
 */
class PollerTest {
    private static final Transport T = PollenTransports.transport();
    /** Generous: a poll that should see an event gets this long. */
    private static final Duration DEADLINE = Duration.ofSeconds(10);

    private Poller poller;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeEach
    void open() throws IOException {
        poller = Poller.open(T, 64);
    }

    @AfterEach
    void close() throws Exception {
        poller.close();
        for (AutoCloseable c : closeables) {
            c.close();
        }
    }

    private SocketChannel[] socketPair() throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open();
        closeables.add(server);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        SocketChannel client = SocketChannel.open(server.getLocalAddress());
        SocketChannel accepted = server.accept();
        closeables.add(client);
        closeables.add(accepted);
        client.configureBlocking(false);
        accepted.configureBlocking(false);
        return new SocketChannel[] {client, accepted};
    }

    private Pipe pipe() throws IOException {
        Pipe pipe = Pipe.open();
        closeables.add(pipe.source());
        closeables.add(pipe.sink());
        pipe.source().configureBlocking(false);
        pipe.sink().configureBlocking(false);
        return pipe;
    }

    /** Polls until {@code fd} is reported (or the deadline passes); returns its readiness bits. */
    private int pollFor(int fd) throws IOException {
        long end = System.nanoTime() + DEADLINE.toNanos();
        while (System.nanoTime() < end) {
            poller.poll(DEADLINE);
            for (int i = 0; i < poller.readyCount(); i++) {
                if (poller.readyFd(i) == fd) {
                    return poller.readyEvents(i);
                }
            }
        }
        throw new AssertionError("fd " + fd + " not reported within " + DEADLINE + ": " + poller);
    }

    @Test
    void jdkSocketsReportReadableAndWritable() throws Exception {
        SocketChannel[] pair = socketPair();
        int client = Poller.descriptor(pair[0]);
        int accepted = Poller.descriptor(pair[1]);
        poller.set(client, Poller.WRITE);
        poller.set(accepted, Poller.READ);
        assertEquals(Poller.WRITABLE, pollFor(client) & (Poller.READABLE | Poller.WRITABLE));

        pair[0].write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
        assertTrue((pollFor(accepted) & Poller.READABLE) != 0);
        ByteBuffer in = ByteBuffer.allocate(16);
        assertEquals(3, pair[1].read(in));

        // Drained and nothing else asked for: only the client's writability is reported.
        poller.pollNow();
        for (int i = 0; i < poller.readyCount(); i++) {
            assertEquals(client, poller.readyFd(i));
        }
    }

    @Test
    void peerShutdownIsReported() throws Exception {
        SocketChannel[] pair = socketPair();
        int accepted = Poller.descriptor(pair[1]);
        poller.set(accepted, Poller.READ | Poller.READ_CLOSED);
        pair[0].shutdownOutput();
        int ready = pollFor(accepted);
        assertTrue((ready & Poller.READABLE) != 0, Poller.readyToString(ready));
        if (poller.supportsReadClosed()) {
            assertTrue((ready & Poller.READ_CLOSED) != 0, Poller.readyToString(ready));
        }
        assertEquals(-1, pair[1].read(ByteBuffer.allocate(1)));
    }

    @Test
    void pipesAndDatagramSockets() throws Exception {
        Pipe pipe = pipe();
        DatagramChannel receiver = DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        closeables.add(receiver);
        DatagramChannel sender = DatagramChannel.open();
        closeables.add(sender);
        int source = Poller.descriptor(pipe.source());
        int udp = Poller.descriptor(receiver);
        poller.set(source, Poller.READ);
        poller.set(udp, Poller.READ);
        pipe.sink().write(ByteBuffer.wrap(new byte[] {7}));
        sender.send(ByteBuffer.wrap(new byte[] {8}), receiver.getLocalAddress());

        Set<Integer> seen = new HashSet<>();
        long end = System.nanoTime() + DEADLINE.toNanos();
        while (seen.size() < 2 && System.nanoTime() < end) {
            poller.poll(DEADLINE);
            poller.forEachReady((fd, ready) -> {
                assertTrue((ready & Poller.READABLE) != 0, Poller.readyToString(ready));
                seen.add(fd);
            });
        }
        assertEquals(Set.of(source, udp), seen);
    }

    @Test
    void descriptorsOfObjects() throws Exception {
        SocketChannel[] pair = socketPair();
        int fd = Poller.descriptor(pair[0]);
        assertTrue(fd >= 0);
        ServerSocketChannel server = ServerSocketChannel.open();
        assertTrue(Poller.descriptor(server) >= 0);
        server.close();
        assertThrows(ClosedChannelException.class, () -> Poller.descriptor(server));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Poller.descriptor("fd 3"));
        assertTrue(e.getMessage().startsWith("descriptorOf(..) failed: java.lang.String is not"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Poller.descriptor(null));
    }

    @Test
    void mirrorAnswersWithoutSystemCalls() throws Exception {
        SocketChannel[] pair = socketPair();
        int a = Poller.descriptor(pair[0]);
        int b = Poller.descriptor(pair[1]);
        poller.set(a, Poller.READ | Poller.READ_CLOSED);
        poller.set(b, Poller.READ | Poller.WRITE);
        long ctls = poller.ctlCount();
        poller.set(a, Poller.READ | Poller.READ_CLOSED); // unchanged: no call
        assertEquals(ctls, poller.ctlCount());
        assertEquals(Poller.READ | Poller.READ_CLOSED, poller.find(a));
        assertEquals(Poller.READ | Poller.WRITE, poller.find(b));
        assertEquals(0, poller.find(Math.max(a, b) + 1000));
        assertEquals(2, poller.size());
        Map<Integer, Integer> walked = new HashMap<>();
        poller.forEach(walked::put);
        assertEquals(Map.of(a, Poller.READ | Poller.READ_CLOSED, b, Poller.READ | Poller.WRITE), walked);
        assertEquals(ctls, poller.ctlCount());

        String dump = poller.toString();
        assertTrue(dump.startsWith("Poller{backend=" + T.name()), dump);
        assertTrue(dump.contains("fd " + a + ": READ|READ_CLOSED ("), dump);
        assertTrue(dump.contains("fd " + b + ": READ|WRITE ("), dump);

        poller.set(b, Poller.READ);
        assertEquals(ctls + 1, poller.ctlCount());
        assertTrue(poller.remove(b));
        assertFalse(poller.remove(b));
        assertEquals(1, poller.size());
        assertEquals(0, poller.find(b));
    }

    /** The mirror's table against a map, through growth and removals, on real descriptors. */
    @Test
    void mirrorMatchesAModelThroughManyChanges() throws Exception {
        List<Integer> fds = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            int[] p = UnixSockets.pipe();
            closeables.add(() -> UnixSockets.close(p[0]));
            closeables.add(() -> UnixSockets.close(p[1]));
            fds.add(p[0]);
            fds.add(p[1]);
        }
        Map<Integer, Integer> model = new HashMap<>();
        Random random = new Random(42);
        int[] choices = {Poller.READ, Poller.WRITE, Poller.READ | Poller.WRITE, Poller.READ | Poller.READ_CLOSED};
        for (int step = 0; step < 5000; step++) {
            int fd = fds.get(random.nextInt(fds.size()));
            if (random.nextInt(3) == 0) {
                assertEquals(model.remove(fd) != null, poller.remove(fd));
            } else {
                int flags = choices[random.nextInt(choices.length)];
                poller.set(fd, flags);
                model.put(fd, flags);
            }
            if (step % 250 == 0) {
                assertEquals(model.size(), poller.size());
                for (int f : fds) {
                    assertEquals(model.getOrDefault(f, 0).intValue(), poller.find(f), "fd " + f);
                }
            }
        }
        Map<Integer, Integer> walked = new HashMap<>();
        poller.forEach(walked::put);
        assertEquals(model, walked);
    }

    @Test
    void removedEntriesGetNoEventsFromTheSameBatch() throws Exception {
        Pipe p1 = pipe();
        Pipe p2 = pipe();
        int a = Poller.descriptor(p1.source());
        int b = Poller.descriptor(p2.source());
        poller.set(a, Poller.READ);
        poller.set(b, Poller.READ);
        p1.sink().write(ByteBuffer.wrap(new byte[] {1}));
        p2.sink().write(ByteBuffer.wrap(new byte[] {2}));
        long end = System.nanoTime() + DEADLINE.toNanos();
        while (poller.readyCount() < 2 && System.nanoTime() < end) {
            poller.poll(DEADLINE);
        }
        assertEquals(2, poller.readyCount());

        // The first descriptor visited removes the other: its event is not delivered.
        List<Integer> visited = new ArrayList<>();
        poller.forEachReady((fd, ready) -> {
            visited.add(fd);
            try {
                poller.remove(fd == a ? b : a);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
        assertEquals(1, visited.size());
        int removed = visited.get(0) == a ? b : a;
        int index = poller.readyFd(0) == removed ? 0 : 1;
        assertEquals(0, poller.readyEvents(index));

        // Removed and set again: a new entry, which the old batch's event does not belong to either.
        poller.set(removed, Poller.READ);
        assertEquals(0, poller.readyEvents(index));
        assertTrue((pollFor(removed) & Poller.READABLE) != 0);
    }

    @Test
    void aReusedNumberIsRegisteredAfresh() throws Exception {
        int[] old = UnixSockets.pipe();
        poller.set(old[0], Poller.READ);
        UnixSockets.close(old[0]); // closed without remove
        UnixSockets.close(old[1]);
        int[] reused = null;
        List<int[]> others = new ArrayList<>();
        for (int attempt = 0; attempt < 100 && reused == null; attempt++) {
            int[] p = UnixSockets.pipe();
            if (p[0] == old[0]) {
                reused = p;
            } else {
                others.add(p);
            }
        }
        for (int[] p : others) {
            UnixSockets.close(p[0]);
            UnixSockets.close(p[1]);
        }
        assertTrue(reused != null, "descriptor " + old[0] + " was not reused");
        int[] fresh = reused;
        closeables.add(() -> UnixSockets.close(fresh[0]));
        closeables.add(() -> UnixSockets.close(fresh[1]));

        assertEquals(Poller.READ, poller.find(fresh[0]), "the mirror still holds the old entry");
        poller.set(fresh[0], Poller.READ | Poller.READ_CLOSED);
        UnixSockets.write(fresh[1], ByteBuffer.allocateDirect(1));
        assertTrue((pollFor(fresh[0]) & Poller.READABLE) != 0);
    }

    @Test
    void capacityBoundsOnePollAndTheRestFollow() throws Exception {
        Poller small = Poller.open(T, 2);
        try {
            Set<Integer> all = new HashSet<>();
            for (int i = 0; i < 3; i++) {
                Pipe p = pipe();
                int fd = Poller.descriptor(p.source());
                small.set(fd, Poller.READ);
                p.sink().write(ByteBuffer.wrap(new byte[] {1}));
                all.add(fd);
            }
            Set<Integer> seen = new HashSet<>();
            long end = System.nanoTime() + DEADLINE.toNanos();
            while (!seen.equals(all) && System.nanoTime() < end) {
                int n = small.poll(DEADLINE);
                assertTrue(n <= 2, "poll returned " + n + " with capacity 2");
                small.forEachReady((fd, ready) -> seen.add(fd));
            }
            assertEquals(all, seen);
        } finally {
            small.close();
        }
    }

    @Test
    void timeoutsAreNeverCutShort() throws Exception {
        for (Duration timeout : List.of(Duration.ofMillis(30), Duration.ofNanos(1_500_001), Duration.ofNanos(1))) {
            long start = System.nanoTime();
            assertEquals(0, poller.poll(timeout));
            long elapsed = System.nanoTime() - start;
            assertTrue(elapsed >= timeout.toNanos(), timeout + " returned after " + elapsed + " ns");
        }
        assertEquals(0, poller.pollNow());
        assertThrows(IllegalArgumentException.class, () -> poller.poll(Duration.ofMillis(-1)));
    }

    /** Runs a blocking {@code poll()} on a new thread; returns once it is inside the native wait. */
    private CompletableFuture<Integer> blockingPoll() throws InterruptedException {
        CompletableFuture<Integer> result = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                result.complete(poller.poll());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        }, "blocking-poll");
        thread.start();
        long end = System.nanoTime() + DEADLINE.toNanos();
        while (System.nanoTime() < end && !result.isDone()) {
            StackTraceElement[] stack = thread.getStackTrace();
            if (stack.length > 0 && stack[0].isNativeMethod() && stack[0].getMethodName().equals("pollerWait")) {
                return result;
            }
            Thread.sleep(1);
        }
        throw new AssertionError("the poll did not reach the native wait: " + result);
    }

    @Test
    void wakeupFromAnotherThreadEndsABlockingPoll() throws Exception {
        CompletableFuture<Integer> result = blockingPoll();
        poller.wakeup();
        assertEquals(0, result.get(10, TimeUnit.SECONDS).intValue());
        // A wake-up with no poll in progress ends the next one at once.
        poller.wakeup();
        assertEquals(0, poller.poll());
    }

    @Test
    void closeFromAnotherThreadEndsAPollAndTheSet() throws Exception {
        SocketChannel[] pair = socketPair();
        int fd = Poller.descriptor(pair[0]);
        poller.set(fd, Poller.READ);
        CompletableFuture<Integer> result = blockingPoll();
        poller.close();
        assertEquals(0, result.get(10, TimeUnit.SECONDS).intValue());
        assertFalse(poller.isOpen());
        assertThrows(ClosedSelectorException.class, () -> poller.poll(Duration.ZERO));
        assertThrows(ClosedSelectorException.class, () -> poller.set(fd, Poller.WRITE));
        poller.wakeup(); // nothing to wake: no effect, no error
        poller.close();
        assertTrue(poller.toString().contains(", closed}"), poller.toString());
    }

    @Test
    void badInputIsRefusedByName() throws Exception {
        SocketChannel[] pair = socketPair();
        int fd = Poller.descriptor(pair[0]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> poller.set(-1, Poller.READ));
        assertEquals("set(..) failed: negative descriptor -1", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> poller.set(fd, 0));
        assertTrue(e.getMessage().startsWith("set(..) failed: NONE has no interest"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> poller.set(fd, Poller.READ | 0x100));
        assertEquals("set(..) failed: unknown flag bits 0x100", e.getMessage());
        UnsupportedOperationException u = assertThrows(UnsupportedOperationException.class,
                () -> poller.set(fd, Poller.READ | Poller.EDGE_TRIGGERED));
        assertTrue(u.getMessage().contains("EDGE_TRIGGERED is not supported by " + T.name()), u.getMessage());
        assertFalse(poller.supportsEdgeTriggered());
        assertEquals(0, poller.size(), "nothing refused reaches the set");

        // A closed descriptor: the kernel's error, named.
        int[] p = UnixSockets.pipe();
        UnixSockets.close(p[0]);
        UnixSockets.close(p[1]);
        IOException io = assertThrows(IOException.class, () -> poller.set(p[0], Poller.READ));
        assertTrue(io instanceof ClosedChannelException || io.getMessage().startsWith("set(..) failed: "), io.toString());
        assertEquals(0, poller.find(p[0]));

        e = assertThrows(IllegalArgumentException.class, () -> Poller.open(T, 0));
        assertTrue(e.getMessage().startsWith("open(..) failed: capacity 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Poller.open(Transport.nio(), 8));
        assertTrue(e.getMessage().contains("not a Pollen transport"), e.getMessage());
    }

    /** One-shot entries where the backend has them; refused loudly where it has not. */
    @Test
    void oneShot() throws Exception {
        Pipe pipe = pipe();
        int fd = Poller.descriptor(pipe.source());
        if (!poller.supportsOneShot()) {
            UnsupportedOperationException u = assertThrows(UnsupportedOperationException.class,
                    () -> poller.set(fd, Poller.READ | Poller.ONESHOT));
            assertEquals("set(..) failed: ONESHOT is not supported by " + T.name(), u.getMessage());
            return;
        }
        poller.set(fd, Poller.READ | Poller.ONESHOT);
        pipe.sink().write(ByteBuffer.wrap(new byte[] {1}));
        assertTrue((pollFor(fd) & Poller.READABLE) != 0);
        // Still readable, but the entry fired: silent until set again.
        assertEquals(0, poller.poll(Duration.ofMillis(50)));
        assertEquals(Poller.READ | Poller.ONESHOT, poller.find(fd));
        long ctls = poller.ctlCount();
        poller.set(fd, Poller.READ | Poller.ONESHOT);
        assertEquals(ctls + 1, poller.ctlCount(), "setting a one-shot entry again re-arms it");
        assertTrue((pollFor(fd) & Poller.READABLE) != 0);
    }

    /** Urgent data (TCP's out-of-band byte) where the backend watches it; refused loudly where not. */
    @Test
    void urgentDataIsPriority() throws Exception {
        SocketChannel[] pair = socketPair();
        int accepted = Poller.descriptor(pair[1]);
        if (!poller.supportsPriority()) {
            UnsupportedOperationException u = assertThrows(UnsupportedOperationException.class,
                    () -> poller.set(accepted, Poller.READ | Poller.PRIORITY));
            assertEquals("set(..) failed: PRIORITY is not supported by " + T.name(), u.getMessage());
            return;
        }
        poller.set(accepted, Poller.PRIORITY);
        assertEquals(0, poller.pollNow());
        pair[0].socket().sendUrgentData(0x55);
        int ready = pollFor(accepted);
        assertEquals(Poller.PRIORITY, ready & (Poller.PRIORITY | Poller.READABLE), Poller.readyToString(ready));
        assertTrue(poller.toString().contains(": PRIORITY ("), poller.toString());
    }

    /** Regular files: epoll refuses them (EPERM) when set; kqueue reports them at the next poll. */
    @Test
    void regularFiles(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("f");
        Files.write(file, new byte[] {1});
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            int fd = Poller.descriptor(channel);
            if (T.name().equals("kqueue")) {
                // kqueue applies changes with the next poll. On BSD a regular file is always readable; the
                // Linux emulation sits on epoll, which refuses it, and the refusal arrives as ERROR.
                poller.set(fd, Poller.READ);
                int ready = pollFor(fd);
                assertTrue((ready & (Poller.READABLE | Poller.ERROR)) != 0, Poller.readyToString(ready));
                poller.remove(fd);
            } else {
                IOException e = assertThrows(IOException.class, () -> poller.set(fd, Poller.READ));
                assertEquals("set(..) failed: Operation not permitted", e.getMessage());
                assertEquals(0, poller.size());
            }
        }
    }
}
