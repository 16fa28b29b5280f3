package dev.pollen.testsuite.core;

import dev.pollen.channel.core.AbstractPollenDomainSocketChannel;
import dev.pollen.channel.DomainSocketReadMode;
import dev.pollen.channel.FileDescriptor;
import dev.pollen.channel.PollenChannelOption;
import dev.pollen.testsuite.PollenTransports;
import dev.pollen.testsupport.TransportTestSupport;
import dev.pollen.transport.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Descriptor passing (SCM_RIGHTS) over Unix domain stream channels, and the read mode switch. */
class DomainSocketFdTest {
    /** The transport under test (-Dpollen.testsuite.transport); not run for wepoll, which has no Unix domain channels. */
    private static final Transport T = PollenTransports.transport();

    private static EventLoopGroup group;

    @TempDir
    Path dir;

    @BeforeAll
    static void setUp() {
        group = TransportTestSupport.newGroup(T, 2);
    }

    @AfterAll
    static void tearDown() {
        TransportTestSupport.shutdown(group);
    }

    /** Queues every inbound message as it comes: FileDescriptors as they are, bytes as strings. */
    private static final class Inbox extends ChannelInboundHandlerAdapter {
        final BlockingQueue<Object> messages = new LinkedBlockingQueue<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf) {
                messages.add(((ByteBuf) msg).toString(StandardCharsets.US_ASCII));
                ((ByteBuf) msg).release();
            } else {
                messages.add(msg);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            messages.add(cause);
        }

        Object next() throws InterruptedException {
            Object msg = messages.poll(TransportTestSupport.DEADLINE_SECONDS, TimeUnit.SECONDS);
            assertNotNull(msg, "nothing received");
            return msg;
        }
    }

    /** What descriptor {@code fd} refers to, e.g. {@code pipe:[1234]} (also used by {@link DomainSocketHostilePeerTest}). */
    static String link(int fd) throws IOException {
        return Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
    }

    private static void write(FileDescriptor fd, String s) throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect(64);
        buf.put(s.getBytes(StandardCharsets.US_ASCII)).flip();
        assertEquals(s.length(), fd.write(buf));
    }

    private static String read(FileDescriptor fd, int n) throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect(64);
        buf.limit(n);
        while (buf.hasRemaining()) {
            assertTrue(fd.read(buf) > 0);
        }
        buf.flip();
        return StandardCharsets.US_ASCII.decode(buf).toString();
    }

    private Channel fdServer(Inbox inbox, DomainSocketReadMode mode, UnixDomainSocketAddress address)
            throws InterruptedException {
        return new ServerBootstrap().group(group).channelFactory(T.serverDomainSocketChannelFactory())
                .childOption(PollenChannelOption.DOMAIN_SOCKET_READ_MODE, mode)
                .childHandler(new DomainSocketTest.ChildCatcher(inbox)).bind(address).sync().channel();
    }

    @Test
    void passedPipeIsTheSameOpenPipe() throws Exception {
        UnixDomainSocketAddress address = UnixDomainSocketAddress.of(dir.resolve("fd.sock"));
        Inbox inbox = new Inbox();
        Channel server = fdServer(inbox, DomainSocketReadMode.FILE_DESCRIPTORS, address);
        AbstractPollenDomainSocketChannel client = DomainSocketTest.client(group, address, new ChannelInboundHandlerAdapter());
        FileDescriptor[] pipe = FileDescriptor.pipe();
        FileDescriptor received = null;
        try {
            String pipeName = link(pipe[1].intValue());
            assertTrue(pipeName.startsWith("pipe:"), pipeName);
            FileDescriptor sent = pipe[1];
            client.writeAndFlush(sent).sync();
            // Writing transfers the descriptor: this process's copy is closed once sent.
            assertFalse(sent.isOpen());
            assertEquals(0, sent.refCnt());

            received = assertInstanceOf(FileDescriptor.class, inbox.next());
            assertTrue(received.isOpen());
            assertEquals(pipeName, link(received.intValue()));
            write(received, "through the socket");
            assertEquals("through the socket", read(pipe[0], "through the socket".length()));
        } finally {
            if (received != null) {
                received.release();
                assertFalse(received.isOpen());
            }
            pipe[0].close();
            client.close().sync();
            server.close().sync();
        }
    }

    @Test
    void retainedDescriptorStaysOpenAfterSending() throws Exception {
        UnixDomainSocketAddress address = UnixDomainSocketAddress.of(dir.resolve("keep.sock"));
        Inbox inbox = new Inbox();
        Channel server = fdServer(inbox, DomainSocketReadMode.FILE_DESCRIPTORS, address);
        AbstractPollenDomainSocketChannel client = DomainSocketTest.client(group, address, new ChannelInboundHandlerAdapter());
        FileDescriptor[] pipe = FileDescriptor.pipe();
        try {
            for (int i = 0; i < 3; i++) {
                client.writeAndFlush(pipe[1].retain()).sync();
            }
            assertTrue(pipe[1].isOpen());
            for (int i = 0; i < 3; i++) {
                FileDescriptor received = assertInstanceOf(FileDescriptor.class, inbox.next());
                assertNotEquals(pipe[1].intValue(), received.intValue());
                write(received, "x" + i);
                received.release();
            }
            write(pipe[1], "!");
            assertEquals("x0x1x2!", read(pipe[0], 7));
        } finally {
            pipe[0].close();
            pipe[1].release();
            assertFalse(pipe[1].isOpen());
            client.close().sync();
            server.close().sync();
        }
    }

    @Test
    void switchingReadModeWhileRegistered() throws Exception {
        UnixDomainSocketAddress address = UnixDomainSocketAddress.of(dir.resolve("switch.sock"));
        Inbox inbox = new Inbox();
        DomainSocketTest.ChildCatcher catcher = new DomainSocketTest.ChildCatcher(inbox);
        Channel server = new ServerBootstrap().group(group).channelFactory(T.serverDomainSocketChannelFactory())
                .childHandler(catcher).bind(address).sync().channel();
        AbstractPollenDomainSocketChannel client = DomainSocketTest.client(group, address, new ChannelInboundHandlerAdapter());
        FileDescriptor[] pipe = FileDescriptor.pipe();
        try {
            AbstractPollenDomainSocketChannel child = catcher.child.get(TransportTestSupport.DEADLINE_SECONDS, TimeUnit.SECONDS);
            client.writeAndFlush(Unpooled.copiedBuffer("abc", StandardCharsets.US_ASCII)).sync();
            assertEquals("abc", inbox.next());

            // From a thread other than the loop, while registered and reading.
            child.config().setReadMode(DomainSocketReadMode.FILE_DESCRIPTORS);
            client.writeAndFlush(pipe[1].retain()).sync();
            FileDescriptor received = assertInstanceOf(FileDescriptor.class, inbox.next());
            write(received, "ok");
            received.release();
            assertEquals("ok", read(pipe[0], 2));

            child.config().setOption(PollenChannelOption.DOMAIN_SOCKET_READ_MODE, DomainSocketReadMode.BYTES);
            client.writeAndFlush(Unpooled.copiedBuffer("xyz", StandardCharsets.US_ASCII)).sync();
            StringBuilder bytes = new StringBuilder();
            while (bytes.length() < 3) {
                bytes.append((String) inbox.next());
            }
            assertEquals("xyz", bytes.toString());
            assertTrue(inbox.messages.isEmpty(), () -> "unexpected: " + inbox.messages);
        } finally {
            pipe[0].close();
            pipe[1].release();
            client.close().sync();
            server.close().sync();
        }
    }

    @Test
    void descriptorsAndBytesInOneFlush() throws Exception {
        UnixDomainSocketAddress address = UnixDomainSocketAddress.of(dir.resolve("mixed.sock"));
        Inbox inbox = new Inbox();
        Channel server = fdServer(inbox, DomainSocketReadMode.FILE_DESCRIPTORS, address);
        AbstractPollenDomainSocketChannel client = DomainSocketTest.client(group, address, new ChannelInboundHandlerAdapter());
        FileDescriptor[] pipe = FileDescriptor.pipe();
        try {
            // Bytes before and between descriptors are consumed, not delivered, in descriptor mode.
            client.write(Unpooled.copiedBuffer("a", StandardCharsets.US_ASCII));
            client.write(pipe[1].retain());
            client.write(Unpooled.copiedBuffer("b", StandardCharsets.US_ASCII));
            ChannelFuture last = client.write(pipe[1].retain());
            client.flush();
            last.sync();
            for (int i = 0; i < 2; i++) {
                FileDescriptor received = assertInstanceOf(FileDescriptor.class, inbox.next());
                write(received, String.valueOf(i));
                received.release();
            }
            assertEquals("01", read(pipe[0], 2));
        } finally {
            pipe[0].close();
            pipe[1].release();
            client.close().sync();
            server.close().sync();
        }
    }

    @Test
    void closedDescriptorIsRefused() throws Exception {
        UnixDomainSocketAddress address = UnixDomainSocketAddress.of(dir.resolve("closed.sock"));
        Inbox inbox = new Inbox();
        Channel server = fdServer(inbox, DomainSocketReadMode.FILE_DESCRIPTORS, address);
        AbstractPollenDomainSocketChannel client = DomainSocketTest.client(group, address, new ChannelInboundHandlerAdapter());
        FileDescriptor[] pipe = FileDescriptor.pipe();
        try {
            pipe[1].close();
            pipe[1].close(); // closing twice is harmless
            Throwable cause = client.writeAndFlush(pipe[1]).await().cause();
            IllegalArgumentException e = assertInstanceOf(IllegalArgumentException.class, cause);
            assertTrue(e.getMessage().contains("closed descriptor"), e.getMessage());
            assertTrue(client.isActive());
            assertThrows(ClosedChannelException.class, () -> write(pipe[1], "x"));
            assertThrows(IllegalArgumentException.class, () -> new FileDescriptor(-1));
            // Unhandled descriptors reaching the pipeline's end are released (closed) by Netty.
            FileDescriptor[] other = FileDescriptor.pipe();
            assertTrue(ReferenceCountUtil.release(other[0]));
            assertFalse(other[0].isOpen());
            other[1].close();
        } finally {
            pipe[0].close();
            client.close().sync();
            server.close().sync();
        }
    }

    @Test
    void tcpChannelsRefuseDescriptors() throws Exception {
        Channel server = TransportTestSupport.echoServer(T, group);
        Channel client = new io.netty.bootstrap.Bootstrap().group(group).channelFactory(T.socketChannelFactory())
                .handler(new ChannelInboundHandlerAdapter()).connect(server.localAddress()).sync().channel();
        FileDescriptor[] pipe = FileDescriptor.pipe();
        try {
            Throwable cause = client.writeAndFlush(pipe[1]).await().cause();
            assertInstanceOf(UnsupportedOperationException.class, cause);
            // A refused message is released: its descriptor is closed.
            assertFalse(pipe[1].isOpen());
        } finally {
            pipe[0].close();
            client.close().sync();
            server.close().sync();
        }
    }
}
