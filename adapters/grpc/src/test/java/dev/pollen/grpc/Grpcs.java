package dev.pollen.grpc;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoHandler;
import io.netty.util.concurrent.EventExecutor;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Small helpers the tests share. */
final class Grpcs {
    private Grpcs() {
    }

    static void log(String test, String what) {
        System.out.println("[pollen-grpc] " + test + ": " + what);
    }

    /** Shuts the channels down, then the server, waiting up to 60 s for each. */
    static void close(Server server, ManagedChannel... channels) throws InterruptedException {
        for (ManagedChannel c : channels) {
            if (c != null) {
                c.shutdownNow();
            }
        }
        for (ManagedChannel c : channels) {
            if (c != null) {
                assertTrue(c.awaitTermination(60, TimeUnit.SECONDS), "channel terminated");
            }
        }
        if (server != null) {
            server.shutdownNow();
            assertTrue(server.awaitTermination(60, TimeUnit.SECONDS), "server terminated");
        }
    }

    /** Every channel is of {@code type}, and there is at least one. */
    static void assertAllOf(Class<?> type, List<Channel> channels, String what) {
        assertFalse(channels.isEmpty(), "no " + what + " channel recorded");
        for (Channel c : channels) {
            assertEquals(type, c.getClass(), what);
        }
    }

    /** The loop of {@code group} that runs the calling thread, or null if none does. */
    static EventExecutor currentLoopOf(EventLoopGroup group) {
        for (EventExecutor e : group) {
            if (e.inEventLoop()) {
                return e;
            }
        }
        return null;
    }

    /** The loop is an I/O loop driven by {@code handler}: only that transport's channels can be registered with it. */
    static void assertDrivenBy(Class<? extends IoHandler> handler, EventExecutor loop, String what) {
        assertNotNull(loop, what + " ran outside the shared worker group");
        assertTrue(loop instanceof IoEventLoop && ((IoEventLoop) loop).isIoType(handler),
                what + " ran on " + loop + ", not a loop of " + handler.getName());
    }
}
