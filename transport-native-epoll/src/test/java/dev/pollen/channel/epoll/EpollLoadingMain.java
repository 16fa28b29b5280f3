package dev.pollen.channel.epoll;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Run in a fresh JVM by {@link EpollLoadingTest}: reports, one {@code key=value} a line, whether the
 * transport loaded, why not, which library file is mapped, and what the native work directory holds.
 */
public final class EpollLoadingMain {
    private EpollLoadingMain() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println("available=" + Epoll.isAvailable());
        Throwable cause = Epoll.unavailabilityCause();
        System.out.println("cause=" + (cause == null ? "" : cause.getClass().getName() + ": "
                + cause.getMessage().replace('\n', ' ')));
        try {
            Epoll.ensureAvailability();
            System.out.println("ensure=ok");
        } catch (Throwable t) {
            System.out.println("ensure=" + t.getClass().getName() + ": " + t.getMessage().replace('\n', ' '));
        }
        if (Epoll.isAvailable()) {
            EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
            int answer = group.next().submit(() -> 42).get(10, TimeUnit.SECONDS);
            System.out.println("loop=" + answer);
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
        for (String line : Files.readAllLines(Paths.get("/proc/self/maps"), StandardCharsets.US_ASCII)) {
            int i = line.indexOf('/');
            if (i >= 0 && line.contains("pollen_transport_native_epoll")) {
                System.out.println("mapped=" + line.substring(i));
                break;
            }
        }
        String workdir = System.getProperty("io.netty.native.workdir");
        if (workdir != null) {
            String[] names = new File(workdir).list();
            System.out.println("workdir=" + (names == null ? "" : String.join(",", Arrays.asList(names))));
        }
    }
}
