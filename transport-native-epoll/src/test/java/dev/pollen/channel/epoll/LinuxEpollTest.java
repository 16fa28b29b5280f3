package dev.pollen.channel.epoll;

import dev.pollen.channel.core.UnixSockets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.time.Duration;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** epoll's own vocabulary: the flags against the C headers, edge-triggered, one-shot, exclusive, errors. */
class LinuxEpollTest {
    private static final Duration DEADLINE = Duration.ofSeconds(10);
    /** Long enough for a level-triggered event to have been reported, if there were one. */
    private static final Duration QUIET = Duration.ofMillis(50);

    private LinuxEpoll epoll;
    private int[] pipe;

    @BeforeEach
    void open() throws IOException {
        epoll = LinuxEpoll.create(16);
        pipe = UnixSockets.pipe();
    }

    @AfterEach
    void close() throws IOException {
        epoll.close();
        UnixSockets.close(pipe[0]);
        UnixSockets.close(pipe[1]);
    }

    private void write(int bytes) throws IOException {
        UnixSockets.write(pipe[1], ByteBuffer.allocateDirect(bytes));
    }

    @Test
    void constantsMatchTheKernelHeaders() {
        int[] c = LinuxNative.constants();
        int[] java = new int[LinuxEpoll.JAVA_CONSTANTS.length + LinuxDescriptors.JAVA_CONSTANTS.length];
        System.arraycopy(LinuxEpoll.JAVA_CONSTANTS, 0, java, 0, LinuxEpoll.JAVA_CONSTANTS.length);
        System.arraycopy(LinuxDescriptors.JAVA_CONSTANTS, 0, java, LinuxEpoll.JAVA_CONSTANTS.length,
                LinuxDescriptors.JAVA_CONSTANTS.length);
        assertArrayEquals(java, c, Arrays.toString(c));
    }

    @Test
    void dataWordAndEventsComeBackAsGiven() throws IOException {
        long data = 0x1234_5678_9abc_def0L;
        epoll.add(pipe[0], LinuxEpoll.EPOLLIN | LinuxEpoll.EPOLLRDHUP, data);
        epoll.add(pipe[1], LinuxEpoll.EPOLLOUT, -1L);
        assertEquals(1, epoll.wait(DEADLINE)); // only the write end is ready
        assertEquals(-1L, epoll.readyData(0));
        assertEquals(LinuxEpoll.EPOLLOUT, epoll.readyEvents(0));
        write(1);
        epoll.delete(pipe[1]);
        assertEquals(1, epoll.wait(DEADLINE));
        assertEquals(data, epoll.readyData(0));
        assertEquals("EPOLLIN", LinuxEpoll.eventsToString(epoll.readyEvents(0)));
        assertThrows(IndexOutOfBoundsException.class, () -> epoll.readyData(1));
    }

    @Test
    void edgeTriggeredReportsChangesOnly() throws IOException {
        epoll.add(pipe[0], LinuxEpoll.EPOLLIN | LinuxEpoll.EPOLLET, 7);
        write(1);
        assertEquals(1, epoll.wait(DEADLINE));
        // Still readable, but nothing new: edge-triggered stays quiet.
        assertEquals(0, epoll.wait(QUIET));
        write(1); // new data: a new edge
        assertEquals(1, epoll.wait(DEADLINE));
        assertEquals(7, epoll.readyData(0));
    }

    @Test
    void oneShotUntilModified() throws IOException {
        epoll.add(pipe[0], LinuxEpoll.EPOLLIN | LinuxEpoll.EPOLLONESHOT, 1);
        write(1);
        assertEquals(1, epoll.wait(DEADLINE));
        write(1);
        assertEquals(0, epoll.wait(QUIET));
        epoll.modify(pipe[0], LinuxEpoll.EPOLLIN | LinuxEpoll.EPOLLONESHOT, 2);
        assertEquals(1, epoll.wait(DEADLINE));
        assertEquals(2, epoll.readyData(0));
    }

    @Test
    void exclusiveOnlyWithAdd() throws IOException {
        epoll.add(pipe[0], LinuxEpoll.EPOLLIN | LinuxEpoll.EPOLLEXCLUSIVE, 1);
        IOException e = assertThrows(IOException.class,
                () -> epoll.modify(pipe[0], LinuxEpoll.EPOLLIN | LinuxEpoll.EPOLLEXCLUSIVE, 1));
        assertEquals("epoll_ctl(..) failed: Invalid argument", e.getMessage());
        write(1);
        assertEquals(1, epoll.wait(DEADLINE));
    }

    @Test
    void hangUpAndErrorOfAPipe() throws IOException {
        int[] p = UnixSockets.pipe();
        epoll.add(p[0], LinuxEpoll.EPOLLIN, 0);
        epoll.add(p[1], LinuxEpoll.EPOLLOUT, 1);
        UnixSockets.close(p[1]); // reader sees EPOLLHUP
        assertEquals(1, epoll.wait(DEADLINE));
        assertEquals(0, epoll.readyData(0));
        assertTrue((epoll.readyEvents(0) & LinuxEpoll.EPOLLHUP) != 0, LinuxEpoll.eventsToString(epoll.readyEvents(0)));
        UnixSockets.close(p[0]);
    }

    @Test
    void refusalsAreNamed() throws IOException {
        epoll.add(pipe[0], LinuxEpoll.EPOLLIN, 0);
        IOException e = assertThrows(IOException.class, () -> epoll.add(pipe[0], LinuxEpoll.EPOLLIN, 0));
        assertEquals("epoll_ctl(..) failed: File exists", e.getMessage());
        e = assertThrows(IOException.class, () -> epoll.modify(pipe[1], LinuxEpoll.EPOLLOUT, 0));
        assertEquals("epoll_ctl(..) failed: No such file or directory", e.getMessage());
        e = assertThrows(IOException.class, () -> epoll.add(epoll.fd(), LinuxEpoll.EPOLLIN, 0));
        assertEquals("epoll_ctl(..) failed: Invalid argument", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LinuxEpoll.create(0));
        assertThrows(IllegalArgumentException.class, () -> epoll.wait(Duration.ofNanos(-1)));
        assertEquals("EPOLLIN|EPOLLRDHUP|EPOLLONESHOT|EPOLLET",
                LinuxEpoll.eventsToString(LinuxEpoll.EPOLLIN | LinuxEpoll.EPOLLRDHUP | LinuxEpoll.EPOLLONESHOT
                        | LinuxEpoll.EPOLLET));
        epoll.close();
        assertThrows(ClosedSelectorException.class, () -> epoll.waitNow());
        epoll.close(); // once only
    }

    @Test
    void timeoutsAreNeverCutShort() throws IOException {
        for (Duration timeout : new Duration[] {Duration.ofMillis(20), Duration.ofNanos(1_200_001)}) {
            long start = System.nanoTime();
            assertEquals(0, epoll.wait(timeout));
            assertTrue(System.nanoTime() - start >= timeout.toNanos(), timeout.toString());
        }
        assertEquals(0, epoll.waitNow());
    }
}
