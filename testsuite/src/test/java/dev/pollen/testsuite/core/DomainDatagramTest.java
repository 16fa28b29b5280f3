package dev.pollen.testsuite.core;

import dev.pollen.channel.AbstractNamespaceAddress;
import dev.pollen.channel.core.AbstractPollenDomainDatagramChannel;
import dev.pollen.channel.DomainDatagramPacket;
import dev.pollen.channel.core.Errors;
import dev.pollen.channel.NativeIoException;
import dev.pollen.testsuite.PollenTransports;
import dev.pollen.testsupport.TransportTestSupport;
import dev.pollen.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.NotYetConnectedException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Unix domain datagram channels: addressed packets both ways, connected writes, errors. */
class DomainDatagramTest {
    /** The transport under test (-Dpollen.testsuite.transport); not run for wepoll, which has no Unix domain channels. */
    private static final Transport T = PollenTransports.transport();

    private static final int ENOENT = 2;
    private static EventLoopGroup group;

    @TempDir
    Path dir;

    @BeforeAll
    static void setUp() {
        group = TransportTestSupport.newGroup(T, 1);
    }

    @AfterAll
    static void tearDown() {
        TransportTestSupport.shutdown(group);
    }

    /** "payload from sender" strings, buffers released. */
    private static final class Inbox extends ChannelInboundHandlerAdapter {
        final BlockingQueue<String> received = new LinkedBlockingQueue<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            DomainDatagramPacket packet = (DomainDatagramPacket) msg;
            try {
                received.add(packet.content().toString(StandardCharsets.UTF_8) + " from " + packet.sender()
                        + " to " + packet.recipient());
            } finally {
                packet.release();
            }
        }

        String next() throws InterruptedException {
            String s = received.poll(TransportTestSupport.DEADLINE_SECONDS, TimeUnit.SECONDS);
            assertNotNull(s, "no datagram");
            return s;
        }
    }

    private static Channel bind(SocketAddress address, Inbox inbox) throws InterruptedException {
        return new Bootstrap().group(group).channelFactory(T.domainDatagramChannelFactory()).handler(inbox)
                .bind(address).sync().channel();
    }

    private static ByteBuf text(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
    }

    private void exchange(SocketAddress a, SocketAddress b) throws Exception {
        Inbox inboxA = new Inbox();
        Inbox inboxB = new Inbox();
        Channel chA = bind(a, inboxA);
        Channel chB = bind(b, inboxB);
        try {
            assertEquals(a, chA.localAddress());
            assertTrue(chA.isActive());
            for (int i = 0; i < 50; i++) {
                chA.write(new DomainDatagramPacket(text("ping" + i), b));
            }
            chA.flush();
            for (int i = 0; i < 50; i++) {
                assertEquals("ping" + i + " from " + a + " to " + b, inboxB.next());
            }
            // A heap buffer is copied to native memory on the way out.
            chB.writeAndFlush(new DomainDatagramPacket(Unpooled.wrappedBuffer("pong".getBytes(StandardCharsets.UTF_8)),
                    a)).sync();
            assertEquals("pong from " + b + " to " + a, inboxA.next());
        } finally {
            chA.close().sync();
            chB.close().sync();
        }
    }

    @Test
    void packetsBetweenPaths() throws Exception {
        UnixDomainSocketAddress a = UnixDomainSocketAddress.of(dir.resolve("a.sock"));
        UnixDomainSocketAddress b = UnixDomainSocketAddress.of(dir.resolve("b.sock"));
        exchange(a, b);
        assertFalse(Files.exists(a.getPath()), "socket file left behind");
        assertFalse(Files.exists(b.getPath()), "socket file left behind");
    }

    @Test
    void packetsBetweenAbstractNames() throws Exception {
        long n = System.nanoTime();
        exchange(AbstractNamespaceAddress.of("pollen-dgram-a-" + n), AbstractNamespaceAddress.of("pollen-dgram-b-" + n));
    }

    @Test
    void connectedChannelWritesPlainBuffers() throws Exception {
        UnixDomainSocketAddress server = UnixDomainSocketAddress.of(dir.resolve("srv.sock"));
        UnixDomainSocketAddress clientPath = UnixDomainSocketAddress.of(dir.resolve("cli.sock"));
        Inbox inbox = new Inbox();
        Channel srv = bind(server, inbox);
        Channel client = new Bootstrap().group(group).channelFactory(T.domainDatagramChannelFactory())
                .handler(new ChannelInboundHandlerAdapter()).connect(server, clientPath).sync().channel();
        try {
            assertTrue(((AbstractPollenDomainDatagramChannel) client).isConnected());
            assertEquals(server, client.remoteAddress());
            assertEquals(clientPath, client.localAddress());
            client.writeAndFlush(text("hello")).sync();
            assertEquals("hello from " + clientPath + " to " + server, inbox.next());
        } finally {
            client.close().sync();
            srv.close().sync();
        }
    }

    @Test
    void failedDatagramsFailTheirWriteOnly() throws Exception {
        UnixDomainSocketAddress self = UnixDomainSocketAddress.of(dir.resolve("self.sock"));
        Inbox inbox = new Inbox();
        Channel ch = bind(self, inbox);
        try {
            Throwable missing = ch.writeAndFlush(new DomainDatagramPacket(text("lost"),
                    UnixDomainSocketAddress.of(dir.resolve("nobody.sock")))).await().cause();
            NativeIoException e = assertInstanceOf(NativeIoException.class, missing);
            assertEquals(ENOENT, e.errno());
            assertEquals("sendto(..) failed: " + Errors.message(ENOENT), e.getMessage());

            // Not connected: a plain buffer has nowhere to go.
            assertInstanceOf(NotYetConnectedException.class, ch.writeAndFlush(text("where")).await().cause());
            assertInstanceOf(UnsupportedOperationException.class, ch.writeAndFlush("a string").await().cause());

            // The channel is still fine.
            ch.writeAndFlush(new DomainDatagramPacket(text("to myself"), self)).sync();
            assertEquals("to myself from " + self + " to " + self, inbox.next());
            assertTrue(ch.isOpen());

            assertTrue(ch.config().setOption(ChannelOption.SO_SNDBUF, 32 * 1024));
            assertTrue(ch.config().getOption(ChannelOption.SO_SNDBUF) >= 32 * 1024);
        } finally {
            ch.close().sync();
        }
    }
}
