package dev.pollen.channel.epoll;

import dev.pollen.testsupport.TransportTestSupport;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.IllegalReferenceCountException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ConnectionPendingException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.channels.UnsupportedAddressTypeException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Linux's part of the error tests: the loading check and the kernel's connect timeout (TCP_USER_TIMEOUT); the rest runs for every transport (testsuite, core/ErrorsTest). */
class EpollErrorsTest {
    private static EventLoopGroup group;

    @BeforeAll
    static void setUp() {
        group = TransportTestSupport.newGroup(new EpollTransport(), 1);
    }

    @AfterAll
    static void tearDown() {
        TransportTestSupport.shutdown(group);
    }

    private static Bootstrap client() {
        return new Bootstrap().group(group).channel(EpollSocketChannel.class)
                .handler(new ChannelInboundHandlerAdapter());
    }

    @Test
    void transportIsAvailable() {
        assertTrue(Epoll.isAvailable());
        assertNull(Epoll.unavailabilityCause());
        Epoll.ensureAvailability();
        assertNotNull(EpollIoHandler.newFactory());
    }

    /**
     * The kernel gives up on a connect (here: TCP_USER_TIMEOUT while SYNs to a full accept queue
     * are dropped) and finishConnect reports ETIMEDOUT. That is a failed connect and must surface as
     * a {@link ConnectException} naming the address, as ECONNREFUSED does (and as Netty's epoll
     * transport reports every finishConnect error).
     */
    @Test
    void kernelConnectTimeoutIsAConnectException() throws Exception {
        Channel server = new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1)
                .option(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInboundHandlerAdapter())
                .bind(TransportTestSupport.ANY_LOOPBACK_PORT).sync().channel();
        InetSocketAddress address = (InetSocketAddress) server.localAddress();
        List<Channel> fillers = new ArrayList<>();
        try {
            Throwable failure = null;
            for (int i = 0; i < 16 && failure == null; i++) {
                ChannelFuture f = client()
                        .option(EpollChannelOption.TCP_USER_TIMEOUT, 200)
                        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 0)
                        .connect(address);
                assertTrue(f.awaitUninterruptibly(30, TimeUnit.SECONDS), "connect never completed");
                if (f.isSuccess()) {
                    fillers.add(f.channel());
                } else {
                    failure = f.cause();
                    assertTrue(f.channel().closeFuture().await(10, TimeUnit.SECONDS));
                }
            }
            assertNotNull(failure, "every connect succeeded although the listener never accepts");
            assertTrue(failure.getMessage().contains("Connection timed out"), String.valueOf(failure));
            assertInstanceOf(ConnectException.class, failure,
                    "ETIMEDOUT from finishConnect is not reported as a ConnectException: " + failure);
            assertTrue(failure.getMessage().contains(String.valueOf(address.getPort())),
                    "message lacks the address: " + failure.getMessage());
        } finally {
            for (Channel c : fillers) {
                c.close().sync();
            }
            server.close().sync();
        }
    }
}
