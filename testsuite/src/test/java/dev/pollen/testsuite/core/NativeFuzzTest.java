package dev.pollen.testsuite.core;

import dev.pollen.channel.FileDescriptor;
import dev.pollen.channel.core.PollenIoHandler;
import dev.pollen.channel.core.PollenSocket;
import dev.pollen.channel.core.PollerBackend;
import dev.pollen.testsuite.PollenTransports;
import dev.pollen.testsupport.TransportTestSupport;
import dev.pollen.transport.Transport;
import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.UnsupportedAddressTypeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Random and hostile arguments to what reaches the native layer (option values, lengths, counts,
 * socket addresses, descriptor numbers, interest sets, timeouts, closed and reused sockets) end in
 * an exception or an error code that names the problem: never a crash, a hang or a call that lands
 * on another socket. The seed is in every failure message; -Dpollen.fuzz.seed repeats a run.
 */
class NativeFuzzTest {
    /** The transport under test (-Dpollen.testsuite.transport). */
    private static final Transport T = PollenTransports.transport();
    private static final long SEED = Long.getLong("pollen.fuzz.seed", System.nanoTime());
    private static final int[] EDGE_INTS = {Integer.MIN_VALUE, Integer.MIN_VALUE + 1, -65536, -2, -1, 0, 1, 2, 3, 7,
        255, 256, 65535, 65536, 1 << 20, 1 << 30, Integer.MAX_VALUE - 1, Integer.MAX_VALUE};

    private static EventLoopGroup group;

    @BeforeAll
    static void setUp() {
        group = TransportTestSupport.newGroup(T, 1);
    }

    @AfterAll
    static void tearDown() {
        TransportTestSupport.shutdown(group);
    }

    private static int randomInt(Random r) {
        return r.nextInt(3) == 0 ? r.nextInt() : EDGE_INTS[r.nextInt(EDGE_INTS.length)];
    }

    private static List<ChannelFactory<? extends Channel>> factories() {
        List<ChannelFactory<? extends Channel>> all = new ArrayList<>();
        all.add(T.socketChannelFactory());
        all.add(T.serverSocketChannelFactory());
        all.add(T.datagramChannelFactory());
        if (T.supportsDomainSockets()) {
            all.add(T.domainSocketChannelFactory());
            all.add(T.serverDomainSocketChannelFactory());
        }
        if (T.supportsDomainDatagrams()) {
            all.add(T.domainDatagramChannelFactory());
        }
        return all;
    }

    /** Accepted, refused with a clear exception, or ignored: anything else fails. */
    @SuppressWarnings("unchecked")
    private static void trySet(Channel ch, ChannelOption<?> option, Object value, String where) {
        try {
            ch.config().setOption((ChannelOption<Object>) option, value);
        } catch (IllegalArgumentException | ChannelException e) {
            assertNotNull(e.getMessage(), where + ": an exception without a message");
        } catch (RuntimeException e) {
            fail(where + ": " + e, e);
        }
    }

    @Test
    void randomOptionValuesAreTakenOrRefusedClearly() {
        Random r = new Random(SEED);
        for (ChannelFactory<? extends Channel> factory : factories()) {
            for (boolean closed : new boolean[] {false, true}) {
                Channel ch = factory.newChannel();
                try {
                    Map<ChannelOption<?>, Object> options = ch.config().getOptions();
                    if (closed) {
                        ch.unsafe().closeForcibly(); // options of a closed channel: refused, never another socket's
                    }
                    for (Map.Entry<ChannelOption<?>, Object> e : options.entrySet()) {
                        ChannelOption<?> option = e.getKey();
                        Object current = e.getValue();
                        String where = ch.getClass().getSimpleName() + (closed ? " (closed) " : " ") + option
                                + ", seed " + SEED;
                        if (current instanceof Integer) {
                            for (int i = 0; i < 12; i++) {
                                int v = randomInt(r);
                                trySet(ch, option, v, where + " = " + v);
                            }
                        } else if (current instanceof Boolean) {
                            trySet(ch, option, true, where);
                            trySet(ch, option, false, where);
                        } else if (current instanceof Enum) {
                            for (Object constant : current.getClass().getEnumConstants()) {
                                trySet(ch, option, constant, where + " = " + constant);
                            }
                        }
                    }
                    if (!closed) {
                        assertEquals(options.keySet(), ch.config().getOptions().keySet(), ch.toString());
                    }
                } finally {
                    ch.unsafe().closeForcibly();
                }
            }
        }
    }

    @Test
    void socketCallsWithBadArgumentsThrow() throws Exception {
        Random r = new Random(SEED);
        PollenSocket s = PollenSocket.newStreamSocket();
        try {
            for (int i = 0; i < 200; i++) {
                int option = randomInt(r);
                int value = randomInt(r);
                String where = "option " + option + " = " + value + ", seed " + SEED;
                try {
                    s.setOption(option, value);
                } catch (IOException e) {
                    assertTrue(e.getMessage().contains("setsockopt(..) failed"), where + ": " + e.getMessage());
                }
                try {
                    s.getOption(option);
                } catch (IOException e) {
                    assertTrue(e.getMessage().contains("getsockopt(..) failed"), where + ": " + e.getMessage());
                }
                byte[] raw = new byte[r.nextInt(3) == 0 ? 0 : r.nextInt(64)];
                r.nextBytes(raw);
                try {
                    s.setRawOption(r.nextInt(300) - 10, r.nextInt(100) - 10, raw);
                } catch (IOException e) {
                    assertTrue(e.getMessage().contains("failed"), where + ": " + e.getMessage());
                }
                try {
                    s.getRawOption(r.nextInt(300) - 10, r.nextInt(100) - 10, raw);
                } catch (IOException e) {
                    assertTrue(e.getMessage().contains("failed"), where + ": " + e.getMessage());
                }
                // Negative lengths and counts never reach the kernel as huge sizes.
                int negative = -1 - r.nextInt(Integer.MAX_VALUE);
                IOException e = assertThrows(IOException.class, () -> s.recv(0, negative), where);
                assertTrue(e.getMessage().startsWith("recv(..) failed"), e.getMessage());
                e = assertThrows(IOException.class, () -> s.send(0, negative), where);
                assertTrue(e.getMessage().startsWith("send(..) failed"), e.getMessage());
                e = assertThrows(IOException.class, () -> s.writev(0, negative), where);
                assertTrue(e.getMessage().startsWith("writev(..) failed"), e.getMessage());
            }
            assertThrows(IOException.class, () -> s.recv(0, 16)); // no address: not connected (or EFAULT), not a crash
            assertThrows(NotYetConnectedException.class, () -> s.shutdown(true, true));
            assertThrows(UnsupportedAddressTypeException.class, () -> s.bind(new ErrorsTest.BogusAddress()));
            assertThrows(RuntimeException.class, () -> s.bind(null));
            assertThrows(RuntimeException.class, () -> s.connect(InetSocketAddress.createUnresolved("nowhere", 1)));
            IOException notListening = assertThrows(IOException.class, () -> s.accept(new byte[64]));
            assertTrue(notListening.getMessage().startsWith("accept(..) failed"), notListening.getMessage());
        } finally {
            s.close();
        }
    }

    @Test
    void aClosedSocketNeverActsOnTheSocketThatReusedItsNumber() throws Exception {
        PollenSocket closed = PollenSocket.newStreamSocket();
        closed.close();
        closed.close(); // twice: nothing happens
        // The next socket very likely gets the same number (the lowest free one).
        PollenSocket reused = PollenSocket.newStreamSocket();
        try {
            reused.bind(new InetSocketAddress("127.0.0.1", 0));
            SocketAddress bound = reused.localAddress();
            int rcvbuf = reused.getOption(PollenSocket.SO_RCVBUF);
            assertThrows(ClosedChannelException.class, () -> closed.setOption(PollenSocket.SO_RCVBUF, 4096));
            assertThrows(ClosedChannelException.class, () -> closed.getOption(PollenSocket.SO_RCVBUF));
            assertThrows(ClosedChannelException.class, () -> closed.listen(1));
            assertThrows(ClosedChannelException.class, () -> closed.accept(new byte[64]));
            assertThrows(ClosedChannelException.class, () -> closed.recv(0, 16));
            assertThrows(ClosedChannelException.class, () -> closed.send(0, 16));
            assertThrows(ClosedChannelException.class, () -> closed.writev(0, 1));
            assertThrows(ClosedChannelException.class, () -> closed.shutdown(true, true));
            assertThrows(ClosedChannelException.class, () -> closed.finishConnect());
            assertThrows(ClosedChannelException.class, () -> closed.bind(new InetSocketAddress("127.0.0.1", 0)));
            assertNull(closed.localAddress());
            assertNull(closed.remoteAddress());
            // The live socket saw none of it.
            assertEquals(bound, reused.localAddress());
            assertEquals(rcvbuf, reused.getOption(PollenSocket.SO_RCVBUF));
            reused.listen(1);
        } finally {
            reused.close();
        }
    }

    @Test
    void fileDescriptorsRefuseWhatTheyCannotDo() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> new FileDescriptor(-1));
        assertThrows(IllegalArgumentException.class, () -> new FileDescriptor(Integer.MIN_VALUE));
        FileDescriptor[] pipe = FileDescriptor.pipe();
        try {
            assertThrows(IllegalArgumentException.class, () -> pipe[1].write(ByteBuffer.allocate(4)));
            assertThrows(IllegalArgumentException.class, () -> pipe[0].read(ByteBuffer.allocate(4)));
            ByteBuffer data = ByteBuffer.allocateDirect(4);
            assertEquals(4, pipe[1].write(data));
            assertEquals(0, pipe[1].write(data)); // nothing left in the buffer: nothing written
            ByteBuffer in = ByteBuffer.allocateDirect(8);
            assertEquals(4, pipe[0].read(in));
            pipe[1].close();
            assertEquals(-1, pipe[0].read(in));
            assertThrows(ClosedChannelException.class, () -> pipe[1].write(ByteBuffer.allocateDirect(1)));
            pipe[1].close(); // twice: nothing happens
        } finally {
            pipe[0].close();
            pipe[1].close();
        }
        assertThrows(ClosedChannelException.class, () -> pipe[0].read(ByteBuffer.allocateDirect(1)));
    }

    @Test
    void thePollerRefusesBadRegistrationsAndWaits() throws Exception {
        Random r = new Random(SEED);
        int[] result = TransportTestSupport.onLoop(group.next(), () -> {
            PollerBackend backend = PollenIoHandler.current().backend();
            long poller = backend.create(16);
            assertTrue(poller > 0, "create: " + poller);
            FileDescriptor[] pipe = FileDescriptor.pipe();
            PollenSocket socket = PollenSocket.newStreamSocket();
            FileDescriptor[] gone = FileDescriptor.pipe();
            gone[0].close();
            gone[1].close();
            int[] fds = {-1, Integer.MIN_VALUE, Integer.MAX_VALUE, 1 << 30, 0x3ffffff0, 65536, gone[0].intValue(),
                pipe[0].intValue(), pipe[1].intValue(), socket.intValue()};
            int accepted = 0;
            int refused = 0;
            try {
                for (int i = 0; i < 2000; i++) {
                    int op = r.nextInt(4) == 0 ? randomInt(r) : 1 + r.nextInt(3);
                    int fd = fds[r.nextInt(fds.length)];
                    int interest = r.nextInt(3) == 0 ? randomInt(r) : r.nextInt(16);
                    long token = r.nextInt(4) == 0 ? r.nextLong() : r.nextInt(1000);
                    int rc = backend.ctl(poller, op, fd, interest, token);
                    assertTrue(rc <= 0, "ctl(" + op + ", " + fd + ", " + interest + ", " + token + ") = " + rc
                            + ", seed " + SEED);
                    if (rc == 0) {
                        accepted++;
                    } else {
                        refused++;
                    }
                }
                // No room, or no records: refused before any memory is touched.
                assertTrue(backend.wait(poller, 0, 0, 0) < 0);
                assertTrue(backend.wait(poller, 0, -1, 0) < 0);
                assertTrue(backend.wait(poller, 0, Integer.MIN_VALUE, Long.MAX_VALUE) < 0);
            } finally {
                assertEquals(0, backend.close(poller));
                socket.close();
                pipe[0].close();
                pipe[1].close();
            }
            return new int[] {accepted, refused};
        });
        assertTrue(result[0] > 0 && result[1] > 0, "accepted " + result[0] + ", refused " + result[1] + ", seed " + SEED);
    }
}
