package dev.pollen.testsuite.loop;

import dev.pollen.testsuite.PollenTransports;
import dev.pollen.testsupport.TransportTestSupport;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 10,000 concurrent connections on one loop, all echoing at once (so waits fill the event buffer
 * and it grows), then closed by the clients: every descriptor the server opened must return.
 * The clients live in a JVM of their own ({@link ConnectionHolder}).
 */
class PollenManyConnectionsTest {
    private static final int CONNECTIONS = 10_000;
    private static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(120);

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void tenThousandConnectionsReturnEveryDescriptorAfterTheClientsClose() throws Exception {
        EventLoopGroup group = TransportTestSupport.newGroup(PollenTransports.transport(), 1);
        Process child = null;
        try {
            Channel server = TransportTestSupport.echoServer(PollenTransports.transport(), group);
            EventLoop loop = server.eventLoop();
            long before = openDescriptors();

            child = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-cp", System.getProperty("java.class.path"), ConnectionHolder.class.getName(),
                    "127.0.0.1", String.valueOf(((InetSocketAddress) server.localAddress()).getPort()),
                    String.valueOf(CONNECTIONS))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII));
            assertEquals("OPEN " + CONNECTIONS, out.readLine(), "the clients connected and were echoed");
            assertEquals(CONNECTIONS + 1, TransportTestSupport.awaitRegistrations(loop, CONNECTIONS + 1),
                    "the listener and every connection");
            long open = openDescriptors();
            assertTrue(open >= before + CONNECTIONS, "descriptors while connected: " + open + ", before: " + before);

            // The loop is held while the clients close, so that all their end-of-stream events are ready
            // at once when it waits again: a wait then fills the default buffer, whatever the machine's pace.
            CountDownLatch hold = new CountDownLatch(1);
            CountDownLatch held = new CountDownLatch(1);
            loop.execute(() -> {
                held.countDown();
                try {
                    hold.await(TransportTestSupport.DEADLINE_SECONDS, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertTrue(held.await(TransportTestSupport.DEADLINE_SECONDS, TimeUnit.SECONDS), "the loop was held");
            OutputStream in = child.getOutputStream();
            in.write('\n');
            in.flush();
            assertEquals("CLOSED", out.readLine());
            assertTrue(child.waitFor(2, TimeUnit.MINUTES), "the client JVM exits");
            hold.countDown();
            assertEquals(0, child.exitValue());
            child.getInputStream().close();
            child.getOutputStream().close();

            assertEquals(1, TransportTestSupport.awaitRegistrations(loop, 1), "only the listener is left");
            long after = awaitDescriptorsAtMost(before);
            assertTrue(after <= before, "descriptors after the clients closed: " + after + ", before: " + before);
            int capacity = TransportTestSupport.onLoop(loop, () -> dev.pollen.channel.core.PollenIoHandler.current()
                    .eventCapacity());
            assertTrue(capacity > 4096, "a wait filled the default event buffer, which grew: " + capacity);
        } finally {
            if (child != null) {
                child.destroyForcibly();
            }
            TransportTestSupport.shutdown(group);
        }
    }

    private static long awaitDescriptorsAtMost(long limit) throws Exception {
        long deadline = System.nanoTime() + DEADLINE_NANOS;
        long n = openDescriptors();
        while (n > limit && System.nanoTime() < deadline) {
            Thread.sleep(20);
            n = openDescriptors();
        }
        return n;
    }

    /** This JVM's open descriptors (Linux: /proc/self/fd, where every Pollen test runs). */
    private static long openDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Paths.get("/proc/self/fd"))) {
            return fds.count();
        }
    }
}
