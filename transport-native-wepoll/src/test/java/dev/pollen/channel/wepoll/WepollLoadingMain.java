package dev.pollen.channel.wepoll;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;

import java.util.concurrent.TimeUnit;

/**
 * Run in a fresh JVM by {@link WepollLoadingTest}: reports, one {@code key=value} a line, whether
 * the transport loaded and why not.
 */
public final class WepollLoadingMain {
    private WepollLoadingMain() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println("available=" + Wepoll.isAvailable());
        Throwable cause = Wepoll.unavailabilityCause();
        System.out.println("cause=" + (cause == null ? "" : cause.getClass().getName() + ": "
                + cause.getMessage().replace('\n', ' ')));
        try {
            Wepoll.ensureAvailability();
            System.out.println("ensure=ok");
        } catch (Throwable t) {
            System.out.println("ensure=" + t.getClass().getName() + ": " + t.getMessage().replace('\n', ' '));
        }
        try {
            new WepollSocketChannel();
            System.out.println("channel=ok");
        } catch (Throwable t) {
            System.out.println("channel=" + t.getClass().getName());
        }
        if (Wepoll.isAvailable()) {
            EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, WepollIoHandler.newFactory());
            int answer = group.next().submit(() -> 42).get(10, TimeUnit.SECONDS);
            System.out.println("loop=" + answer);
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
