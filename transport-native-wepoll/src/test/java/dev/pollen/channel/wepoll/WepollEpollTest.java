package dev.pollen.channel.wepoll;

import dev.pollen.poller.Poller;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** wepoll's API on the AFD poller (on Linux: the transport's test build): events, data, one-shot, refusals. */
class WepollEpollTest {
    private static final int DEADLINE_MS = 10_000;

    private WepollEpoll ep;
    private ServerSocketChannel server;
    private SocketChannel client;
    private SocketChannel accepted;

    @BeforeEach
    void open() throws IOException {
        ep = WepollEpoll.create1(0, 16);
        server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        client = SocketChannel.open(server.getLocalAddress());
        accepted = server.accept();
        client.configureBlocking(false);
        accepted.configureBlocking(false);
    }

    @AfterEach
    void close() throws IOException {
        ep.close();
        client.close();
        accepted.close();
        server.close();
    }

    /** Waits until the event with {@code data} comes; returns its events. */
    private int await(long data) throws IOException {
        long end = System.nanoTime() + DEADLINE_MS * 1_000_000L;
        while (System.nanoTime() < end) {
            int n = ep.epollWait(DEADLINE_MS);
            for (int i = 0; i < n; i++) {
                if (ep.readyData(i) == data) {
                    return ep.readyEvents(i);
                }
            }
        }
        throw new AssertionError("no event for data " + data);
    }

    @Test
    void eventsAndDataAsAsked() throws IOException {
        int c = Poller.descriptor(client);
        int a = Poller.descriptor(accepted);
        ep.ctl(WepollEpoll.EPOLL_CTL_ADD, c, WepollEpoll.EPOLLOUT, 7);
        ep.ctl(WepollEpoll.EPOLL_CTL_ADD, a, WepollEpoll.EPOLLIN | WepollEpoll.EPOLLRDHUP, -1L);
        assertEquals(WepollEpoll.EPOLLOUT, await(7), "only the bit asked for");
        ep.ctl(WepollEpoll.EPOLL_CTL_DEL, c, 0, 0);

        client.write(ByteBuffer.wrap(new byte[] {1}));
        assertEquals(WepollEpoll.EPOLLIN, await(-1L));
        accepted.read(ByteBuffer.allocate(1));
        client.shutdownOutput();
        int events = await(-1L);
        assertEquals(WepollEpoll.EPOLLIN | WepollEpoll.EPOLLRDHUP, events & (WepollEpoll.EPOLLIN | WepollEpoll.EPOLLRDHUP),
                WepollEpoll.eventsToString(events));

        // MOD with new data and events: the new data word comes back.
        ep.ctl(WepollEpoll.EPOLL_CTL_MOD, a, WepollEpoll.EPOLLOUT | WepollEpoll.EPOLLWRNORM, 99);
        assertEquals(WepollEpoll.EPOLLOUT | WepollEpoll.EPOLLWRNORM, await(99));
    }

    @Test
    void urgentDataIsPriority() throws IOException {
        int a = Poller.descriptor(accepted);
        ep.ctl(WepollEpoll.EPOLL_CTL_ADD, a, WepollEpoll.EPOLLPRI | WepollEpoll.EPOLLRDBAND | WepollEpoll.EPOLLMSG, 5);
        assertEquals(0, ep.epollWait(0));
        client.socket().sendUrgentData(0x55);
        assertEquals(WepollEpoll.EPOLLPRI | WepollEpoll.EPOLLRDBAND, await(5), "EPOLLMSG is never reported");
        // Ordinary data is not urgent; EPOLLWRBAND is writability, as in wepoll.
        ep.ctl(WepollEpoll.EPOLL_CTL_MOD, a, WepollEpoll.EPOLLWRBAND, 6);
        assertEquals(WepollEpoll.EPOLLWRBAND, await(6));
    }

    @Test
    void oneShotUntilModified() throws IOException {
        int c = Poller.descriptor(client);
        ep.ctl(WepollEpoll.EPOLL_CTL_ADD, c, WepollEpoll.EPOLLOUT | WepollEpoll.EPOLLONESHOT, 1);
        assertEquals(WepollEpoll.EPOLLOUT, await(1));
        assertEquals(0, ep.epollWait(50), "fired: silent until modified");
        ep.ctl(WepollEpoll.EPOLL_CTL_MOD, c, WepollEpoll.EPOLLOUT | WepollEpoll.EPOLLONESHOT, 2);
        assertEquals(WepollEpoll.EPOLLOUT, await(2));
    }

    @Test
    void refusalsAreNamed() throws IOException {
        int c = Poller.descriptor(client);
        for (int unsupported : new int[] {WepollEpoll.EPOLLET, WepollEpoll.EPOLLEXCLUSIVE, WepollEpoll.EPOLLWAKEUP}) {
            IOException e = assertThrows(IOException.class,
                    () -> ep.ctl(WepollEpoll.EPOLL_CTL_ADD, c, WepollEpoll.EPOLLIN | unsupported, 0));
            assertEquals("epoll_ctl(..) failed: Invalid argument", e.getMessage(), WepollEpoll.eventsToString(unsupported));
        }
        ep.ctl(WepollEpoll.EPOLL_CTL_ADD, c, WepollEpoll.EPOLLIN, 0);
        IOException e = assertThrows(IOException.class, () -> ep.ctl(WepollEpoll.EPOLL_CTL_ADD, c, WepollEpoll.EPOLLIN, 0));
        assertEquals("epoll_ctl(..) failed: File exists", e.getMessage());
        int a = Poller.descriptor(accepted);
        e = assertThrows(IOException.class, () -> ep.ctl(WepollEpoll.EPOLL_CTL_MOD, a, WepollEpoll.EPOLLIN, 0));
        assertEquals("epoll_ctl(..) failed: No such file or directory", e.getMessage());
        e = assertThrows(IOException.class, () -> ep.ctl(9, c, WepollEpoll.EPOLLIN, 0));
        assertEquals("epoll_ctl(..) failed: Invalid argument", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> WepollEpoll.create1(1, 16));
        assertEquals("EPOLLIN|EPOLLRDHUP|EPOLLONESHOT",
                WepollEpoll.eventsToString(WepollEpoll.EPOLLIN | WepollEpoll.EPOLLRDHUP | WepollEpoll.EPOLLONESHOT));
        ep.close();
        assertThrows(ClosedSelectorException.class, () -> ep.epollWait(0));
    }
}
