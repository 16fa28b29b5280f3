package dev.pollen.testsuite.core;

import dev.pollen.channel.DomainDatagramPacket;
import dev.pollen.channel.FileDescriptor;
import dev.pollen.testsuite.PollenTransports;
import dev.pollen.testsupport.TransportTestSupport;
import dev.pollen.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.pollen.testsupport.TransportTestSupport.DEADLINE_SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Unix domain peers that do not play along: descriptors sent to a channel that reads bytes, and
 * datagrams larger than the receive buffer. (More descriptors in one message than the receiver
 * takes is checked in C, test_unix.c: a Pollen peer sends one per message.) Not run for wepoll,
 * which has no Unix domain channels.
 */
class DomainSocketHostilePeerTest {
    /** The transport under test (-Dpollen.testsuite.transport). */
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

    @Test
    void descriptorsSentToAChannelThatReadsBytesAreClosed() throws Exception {
        int count = 50;
        AtomicInteger bytes = new AtomicInteger();
        CompletableFuture<Void> allBytes = new CompletableFuture<>();
        Channel server = DomainSocketTest.server(group, UnixDomainSocketAddress.of(dir.resolve("bytes.sock")),
                new SimpleChannelInboundHandler<ByteBuf>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
                        // Each descriptor travels with one data byte; each is followed by an 'x'.
                        if (bytes.addAndGet(msg.readableBytes()) == 2 * count) {
                            allBytes.complete(null);
                        }
                    }
                });
        Channel client = DomainSocketTest.client(group, server.localAddress(), new ChannelInboundHandlerAdapter());
        try {
            Set<String> pipes = new HashSet<>();
            List<ChannelFuture> writes = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                FileDescriptor[] pipe = FileDescriptor.pipe();
                String file = DomainSocketFdTest.link(pipe[1].intValue());
                assertTrue(file.startsWith("pipe:"), file);
                pipes.add(file);
                pipe[0].close(); // from here on, a descriptor of this pipe can only be a copy of the write end
                writes.add(client.write(pipe[1])); // sent, then released: the client's copy is closed
                writes.add(client.write(Unpooled.wrappedBuffer(new byte[] {'x'})));
            }
            client.flush();
            for (ChannelFuture write : writes) {
                assertTrue(write.await(DEADLINE_SECONDS, TimeUnit.SECONDS) && write.isSuccess(), "write: " + write.cause());
            }
            allBytes.get(DEADLINE_SECONDS, TimeUnit.SECONDS);

            // The server read only bytes: the kernel dropped the descriptors, none was installed here.
            Set<String> left = new HashSet<>(DomainSocketErrorsTest.openFds().values());
            left.retainAll(pipes);
            assertEquals(Set.of(), left, "descriptors passed to a byte reader are still open");
        } finally {
            client.close().sync();
            server.close().sync();
        }
    }

    @Test
    void domainDatagramsLargerThanTheBufferAreCutAndTheChannelGoesOn() throws Exception {
        BlockingQueue<byte[]> arrived = new LinkedBlockingQueue<>();
        Channel receiver = new Bootstrap().group(group).channelFactory(T.domainDatagramChannelFactory())
                .handler(new SimpleChannelInboundHandler<DomainDatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DomainDatagramPacket msg) {
                        byte[] b = new byte[msg.content().readableBytes()];
                        msg.content().readBytes(b);
                        arrived.add(b);
                    }
                }).bind(UnixDomainSocketAddress.of(dir.resolve("r.sock"))).sync().channel();
        Channel sender = new Bootstrap().group(group).channelFactory(T.domainDatagramChannelFactory())
                .handler(new ChannelInboundHandlerAdapter()).bind(UnixDomainSocketAddress.of(dir.resolve("s.sock")))
                .sync().channel();
        try {
            // The default configuration reads into 2048-byte buffers.
            int[] sizes = {50000, 10, 2048, 2049, 0, 3};
            for (int size : sizes) {
                byte[] data = new byte[size];
                for (int i = 0; i < size; i++) {
                    data[i] = (byte) (i * 7 + size);
                }
                sender.writeAndFlush(new DomainDatagramPacket(Unpooled.wrappedBuffer(data), receiver.localAddress()))
                        .sync();
                byte[] got = arrived.poll(DEADLINE_SECONDS, TimeUnit.SECONDS);
                assertNotNull(got, "the " + size + "-byte datagram never arrived");
                assertEquals(Math.min(size, 2048), got.length, "the " + size + "-byte datagram");
                for (int i = 0; i < got.length; i++) {
                    assertEquals((byte) (i * 7 + size), got[i], "byte " + i + " of the " + size + "-byte datagram");
                }
            }
        } finally {
            sender.close().sync();
            receiver.close().sync();
        }
    }
}
