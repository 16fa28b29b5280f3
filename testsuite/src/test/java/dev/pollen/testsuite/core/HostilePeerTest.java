package dev.pollen.testsuite.core;

import dev.pollen.channel.PollenChannelOption;
import dev.pollen.testsuite.PollenTransports;
import dev.pollen.testsupport.TransportTestSupport;
import dev.pollen.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.DatagramPacket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static dev.pollen.testsupport.TransportTestSupport.ANY_LOOPBACK_PORT;
import static dev.pollen.testsupport.TransportTestSupport.DEADLINE_SECONDS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Peers that do not play along cannot make a server hold unbounded memory, lose data or leak:
 * a client that never reads, one that resets with writes pending, datagrams larger than the
 * receive buffers.
 */
class HostilePeerTest {
    /** The transport under test (-Dpollen.testsuite.transport). */
    private static final Transport T = PollenTransports.transport();
    private static final int CHUNK = 16 * 1024;
    private static final WriteBufferWaterMark MARKS = new WriteBufferWaterMark(32 * 1024, 64 * 1024);

    private static EventLoopGroup group;

    @BeforeAll
    static void setUp() {
        group = TransportTestSupport.newGroup(T, 2);
    }

    @AfterAll
    static void tearDown() {
        TransportTestSupport.shutdown(group);
    }

    private static byte pattern(long i) {
        return (byte) (i * 31 + (i >>> 8));
    }

    /** Writes {@code total} patterned bytes, only while the channel is writable, as a well-behaved server does. */
    private static final class Flooder extends ChannelInboundHandlerAdapter {
        final long total;
        final CompletableFuture<Channel> unwritable = new CompletableFuture<>();
        final List<ByteBuf> lastWrites = new ArrayList<>();
        final List<ChannelFuture> lastFutures = new ArrayList<>();
        volatile long written;
        volatile long maxPending;

        Flooder(long total) {
            this.total = total;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            fill(ctx);
            ctx.fireChannelActive();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                fill(ctx);
            } else {
                unwritable.complete(ctx.channel());
            }
            ctx.fireChannelWritabilityChanged();
        }

        private void fill(ChannelHandlerContext ctx) {
            Channel ch = ctx.channel();
            while (ch.isWritable() && written < total) {
                int n = (int) Math.min(CHUNK, total - written);
                ByteBuf buf = ctx.alloc().directBuffer(n);
                for (int i = 0; i < n; i++) {
                    buf.writeByte(pattern(written + i));
                }
                written += n;
                if (lastWrites.size() == 8) {
                    lastWrites.remove(0);
                    lastFutures.remove(0);
                }
                lastWrites.add(buf);
                lastFutures.add(ctx.writeAndFlush(buf));
                maxPending = Math.max(maxPending, ch.unsafe().outboundBuffer().totalPendingWriteBytes());
            }
        }
    }

    private static Channel flooderServer(Flooder flooder) throws InterruptedException {
        return new ServerBootstrap().group(group).channelFactory(T.serverSocketChannelFactory())
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, MARKS)
                .childOption(ChannelOption.SO_SNDBUF, 16 * 1024)
                .childHandler(flooder).bind(ANY_LOOPBACK_PORT).sync().channel();
    }

    private static Channel idleClient(Channel server, ChannelHandler handler) throws InterruptedException {
        return new Bootstrap().group(group).channelFactory(T.socketChannelFactory())
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.SO_RCVBUF, 16 * 1024)
                .handler(handler).connect(server.localAddress()).sync().channel();
    }

    @Test
    void aPeerThatStopsReadingMeetsTheWaterMarksAndLosesNothing() throws Exception {
        int total = 1024 * 1024;
        Flooder flooder = new Flooder(total);
        TransportTestSupport.Collector collector = new TransportTestSupport.Collector(total);
        Channel server = flooderServer(flooder);
        Channel client = idleClient(server, collector);
        try {
            // The client reads nothing: the kernel buffers fill, then the outbound buffer up to the high mark.
            Channel child = flooder.unwritable.get(DEADLINE_SECONDS, TimeUnit.SECONDS);
            assertTrue(flooder.written < total, "the whole stream fitted the buffers: " + flooder.written);
            long pending = TransportTestSupport.onLoop(child.eventLoop(),
                    () -> child.unsafe().outboundBuffer().totalPendingWriteBytes());
            assertTrue(pending <= MARKS.high() + CHUNK, "pending " + pending);
            assertTrue(flooder.maxPending <= MARKS.high() + CHUNK, "at most " + flooder.maxPending + " were pending");

            // Once the client reads, writability returns and every byte arrives in order.
            client.config().setAutoRead(true);
            byte[] expected = new byte[total];
            for (int i = 0; i < total; i++) {
                expected[i] = pattern(i);
            }
            assertArrayEquals(expected, collector.done.get(DEADLINE_SECONDS, TimeUnit.SECONDS));
            assertTrue(flooder.maxPending <= MARKS.high() + CHUNK, "at most " + flooder.maxPending + " were pending");
        } finally {
            client.close().sync();
            server.close().sync();
        }
    }

    @Test
    void aResetWithWritesPendingFailsThemAndFreesTheirBuffers() throws Exception {
        Flooder flooder = new Flooder(Long.MAX_VALUE);
        Channel server = flooderServer(flooder);
        Channel client = idleClient(server, new ChannelInboundHandlerAdapter());
        try {
            Channel child = flooder.unwritable.get(DEADLINE_SECONDS, TimeUnit.SECONDS);
            // SO_LINGER 0: the close sends a reset, discarding what the client never read.
            client.config().setOption(ChannelOption.SO_LINGER, 0);
            client.close().sync();

            assertTrue(child.closeFuture().await(DEADLINE_SECONDS, TimeUnit.SECONDS), "the server kept the connection");
            List<ChannelFuture> futures = TransportTestSupport.onLoop(child.eventLoop(), () -> List.copyOf(flooder.lastFutures));
            List<ByteBuf> buffers = TransportTestSupport.onLoop(child.eventLoop(), () -> List.copyOf(flooder.lastWrites));
            ChannelFuture last = futures.get(futures.size() - 1);
            assertTrue(last.await(DEADLINE_SECONDS, TimeUnit.SECONDS));
            assertNotNull(last.cause(), "the last write succeeded though the peer reset");
            assertInstanceOf(IOException.class, last.cause());
            for (ByteBuf buf : buffers) {
                assertEquals(0, buf.refCnt(), "a pending buffer was not released");
            }
        } finally {
            server.close().sync();
        }
    }

    /** Sends {@code sizes} datagrams to a receiver with {@code slot}-byte buffers; returns what arrived. */
    private static List<byte[]> receive(FixedRecvByteBufAllocator allocator, int payloadSize, int... sizes)
            throws Exception {
        BlockingQueue<byte[]> arrived = new LinkedBlockingQueue<>();
        Channel receiver = new Bootstrap().group(group).channelFactory(T.datagramChannelFactory())
                .option(ChannelOption.RCVBUF_ALLOCATOR, allocator)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (payloadSize > 0) {
                            assertTrue(ch.config().setOption(PollenChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, payloadSize));
                        }
                        ch.pipeline().addLast(new SimpleChannelInboundHandler<DatagramPacket>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket msg) {
                                byte[] b = new byte[msg.content().readableBytes()];
                                msg.content().readBytes(b);
                                arrived.add(b);
                            }
                        });
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        Channel sender = new Bootstrap().group(group).channelFactory(T.datagramChannelFactory())
                .handler(new ChannelInboundHandlerAdapter()).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        try {
            List<byte[]> out = new ArrayList<>();
            for (int size : sizes) {
                byte[] data = new byte[size];
                for (int i = 0; i < size; i++) {
                    data[i] = pattern(i + size);
                }
                // One at a time, each waited for, so that none is lost to a full receive buffer.
                sender.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(data),
                        (InetSocketAddress) receiver.localAddress())).sync();
                byte[] got = arrived.poll(DEADLINE_SECONDS, TimeUnit.SECONDS);
                assertNotNull(got, "the " + size + "-byte datagram never arrived");
                out.add(got);
            }
            return out;
        } finally {
            sender.close().sync();
            receiver.close().sync();
        }
    }

    private static void assertPrefix(int size, int expectedLength, byte[] got) {
        assertEquals(expectedLength, got.length, "the " + size + "-byte datagram");
        for (int i = 0; i < got.length; i++) {
            assertEquals(pattern(i + size), got[i], "byte " + i + " of the " + size + "-byte datagram");
        }
    }

    @Test
    void datagramsLargerThanTheBufferAreCutAndTheChannelGoesOn() throws Exception {
        List<byte[]> got = receive(new FixedRecvByteBufAllocator(1024), 0, 60000, 10, 1024, 1025, 0, 7);
        assertPrefix(60000, 1024, got.get(0));
        assertPrefix(10, 10, got.get(1));
        assertPrefix(1024, 1024, got.get(2));
        assertPrefix(1025, 1024, got.get(3));
        assertPrefix(0, 0, got.get(4));
        assertPrefix(7, 7, got.get(5));
    }

    @Test
    void anOversizedDatagramStaysInItsOwnSlot() throws Exception {
        // MAX_DATAGRAM_PAYLOAD_SIZE splits a 4 KiB buffer into eight 512-byte slots (recvmmsg where the
        // kernel has it): a longer datagram is cut to its slot and never spills into the next one's.
        List<byte[]> got = receive(new FixedRecvByteBufAllocator(4096), 512, 3000, 100, 512, 513);
        assertPrefix(3000, 512, got.get(0));
        assertPrefix(100, 100, got.get(1));
        assertPrefix(512, 512, got.get(2));
        assertPrefix(513, 512, got.get(3));
    }
}
