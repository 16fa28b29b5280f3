package dev.pollen.channel.kqueue;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;

import java.util.concurrent.TimeUnit;

/**
 * Run in a fresh JVM by {@link KQueueLoadingTest}: reports, one {@code key=value} a line, whether
 * the transport loaded and why not.
 */
public final class KQueueLoadingMain {
    private KQueueLoadingMain() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println("available=" + KQueue.isAvailable());
        Throwable cause = KQueue.unavailabilityCause();
        System.out.println("cause=" + (cause == null ? "" : cause.getClass().getName() + ": "
                + cause.getMessage().replace('\n', ' ')));
        try {
            KQueue.ensureAvailability();
            System.out.println("ensure=ok");
        } catch (Throwable t) {
            System.out.println("ensure=" + t.getClass().getName() + ": " + t.getMessage().replace('\n', ' '));
        }
        try {
            KQueueIoHandler.newFactory();
            System.out.println("factory=ok");
        } catch (Throwable t) {
            System.out.println("factory=" + t.getClass().getName());
        }
        if (KQueue.isAvailable()) {
            EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, KQueueIoHandler.newFactory());
            int answer = group.next().submit(() -> 42).get(10, TimeUnit.SECONDS);
            System.out.println("loop=" + answer);
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
