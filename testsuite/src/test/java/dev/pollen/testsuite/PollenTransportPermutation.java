package dev.pollen.testsuite;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.Channel;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;

import java.io.IOException;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Everything the testsuite needs to know about one Pollen transport. Implementations must be cheap to construct
 * and must not touch native code before {@link #ensureAvailability()} is called.
 */
public interface PollenTransportPermutation {

    /** Name used in {@code -Dpollen.testsuite.transport=<name>}, e.g. {@code "epoll"}. */
    String name();

    /** Throws (with the native load failure as cause) if the transport cannot be used on this machine. */
    void ensureAvailability() throws Exception;

    /** A new {@link IoHandlerFactory} for {@code MultiThreadIoEventLoopGroup}. */
    default IoHandlerFactory newIoHandlerFactory() {
        return newIoHandlerFactory(0);
    }

    /** As {@link #newIoHandlerFactory()}, with room for {@code maxEvents} ready events per wait at first (0: default). */
    IoHandlerFactory newIoHandlerFactory(int maxEvents);

    Class<? extends SocketChannel> socketChannelClass();

    Class<? extends ServerSocketChannel> serverSocketChannelClass();

    /** The transport's UDP channel, or null while it has none. */
    default Class<? extends DatagramChannel> datagramChannelClass() {
        return null;
    }

    /** The transport's Unix domain stream channel, or null while it has none. */
    default Class<? extends Channel> domainSocketChannelClass() {
        return null;
    }

    /** The transport's Unix domain listening channel, or null while it has none. */
    default Class<? extends ServerChannel> serverDomainSocketChannelClass() {
        return null;
    }

    /** The transport's Unix domain datagram channel, or null while it has none. */
    default Class<? extends Channel> domainDatagramChannelClass() {
        return null;
    }

    /**
     * Asserts that {@code cause}, raised on a channel of this transport after the peer closed with SO_LINGER=0,
     * reports ECONNRESET. The default checks the message ("Connection reset by peer"); the surefire executions
     * force {@code LC_MESSAGES=C} so native messages are English. A transport that exposes the errno on its
     * exceptions should override this and assert the errno instead.
     */
    default void assertConnectionReset(IOException cause) {
        String message = String.valueOf(cause.getMessage());
        assertTrue(message.toLowerCase(Locale.ROOT).contains("connection reset"),
                "expected ECONNRESET, got [" + cause.getClass().getName() + ": " + message + "]");
    }
}
