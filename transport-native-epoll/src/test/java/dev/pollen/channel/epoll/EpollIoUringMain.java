package dev.pollen.channel.epoll;

import dev.pollen.channel.core.PollenIoHandler;
import dev.pollen.channel.core.PollerBackend;
import dev.pollen.testsupport.TransportTestSupport;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * Run in a fresh JVM by {@link EpollIoUringModeTest}, under a seccomp filter or none: reports, one
 * {@code key=value} a line, whether loops use io_uring (and start their waits in it) and why not, whether a loop could be made,
 * whether many clients' echoes through one loop came back whole (and the loop's counters), and how
 * many registrations the loop still had once every channel had closed.
 */
public final class EpollIoUringMain {
    private static final int CLIENTS = 32;
    private static final int ROUNDS = 20;
    private static final int CHUNK = 256;

    private EpollIoUringMain() {
    }

    public static void main(String[] args) throws Exception {
        report("used", () -> String.valueOf(Epoll.isIoUringUsed()));
        report("ringwait", () -> String.valueOf((Epoll.capabilities() & PollerBackend.CAP_IO_BATCH_POLL) != 0));
        report("cause", () -> {
            Throwable cause = Epoll.ioUringUnavailabilityCause();
            return cause == null ? "" : cause.getMessage();
        });
        EventLoopGroup group;
        try {
            group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        } catch (Throwable t) {
            System.out.println("loop=" + t.getClass().getName() + ": " + t.getMessage());
            return;
        }
        System.out.println("loop=ok");
        try {
            // Server and clients on the one loop: its waits find many channels ready at once, so
            // reads and held writes go in batches where the loop batches.
            Channel server = TransportTestSupport.echoServer(new EpollTransport(), group);
            List<Channel> clients = new ArrayList<>();
            List<TransportTestSupport.Collector> collectors = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                TransportTestSupport.Collector c = new TransportTestSupport.Collector(ROUNDS * CHUNK);
                collectors.add(c);
                clients.add(new Bootstrap().group(group).channel(EpollSocketChannel.class).handler(c)
                        .connect(server.localAddress()).sync().channel());
            }
            for (int r = 0; r < ROUNDS; r++) {
                for (int i = 0; i < CLIENTS; i++) {
                    clients.get(i).writeAndFlush(Unpooled.wrappedBuffer(chunk(i, r)));
                }
            }
            boolean whole = true;
            for (int i = 0; i < CLIENTS; i++) {
                byte[] got = collectors.get(i).done.get(TransportTestSupport.DEADLINE_SECONDS, TimeUnit.SECONDS);
                for (int r = 0; r < ROUNDS; r++) {
                    whole &= Arrays.equals(chunk(i, r), Arrays.copyOfRange(got, r * CHUNK, (r + 1) * CHUNK));
                }
            }
            System.out.println("echo=" + (whole ? "whole" : "corrupt"));
            PollenIoHandler handler = TransportTestSupport.onLoop(group.next(), PollenIoHandler::current);
            System.out.println("handler=" + handler);
            for (Channel c : clients) {
                c.close().sync();
            }
            server.close().sync();
            // The accepted channels close when they read their clients' end: before the loop stops.
            System.out.println("left=" + TransportTestSupport.awaitRegistrations(group.next(), 0));
        } finally {
            TransportTestSupport.shutdown(group);
        }
    }

    /** Prints key=value, or key=the exception's class and message if the value could not be had. */
    private static void report(String key, Callable<String> value) {
        String text;
        try {
            text = value.call();
        } catch (Throwable t) {
            text = t.getClass().getName() + ": " + t.getMessage();
        }
        System.out.println(key + "=" + text);
    }

    /** Client i's bytes of round r: distinct per client and round, so a mix-up shows. */
    private static byte[] chunk(int i, int r) {
        byte[] b = new byte[CHUNK];
        for (int k = 0; k < CHUNK; k++) {
            b[k] = (byte) (i * 31 + r * 7 + k);
        }
        return b;
    }
}
