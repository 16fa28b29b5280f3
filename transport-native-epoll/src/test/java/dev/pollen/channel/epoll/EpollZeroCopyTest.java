package dev.pollen.channel.epoll;

import dev.pollen.testsupport.TransportTestSupport;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FileRegion;
import io.netty.util.AbstractReferenceCounted;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Zero-copy paths of the epoll transport: {@link DefaultFileRegion} through sendfile(2), any other
 * {@link FileRegion} through the copy path, and {@link EpollSocketChannel#spliceTo} through splice(2),
 * into another connection or into a file. Loopback only; temp files are deleted.
 */
class EpollZeroCopyTest {
    private static final int FILE_SIZE = 8 * 1024 * 1024;

    private static EventLoopGroup group;
    private static EventLoopGroup otherGroup;
    private static Path file;
    private static byte[] content;

    private Path scratch;

    @BeforeAll
    static void setUp() throws IOException {
        // One loop: every channel of a test shares it, as spliceTo requires.
        group = TransportTestSupport.newGroup(new EpollTransport(), 1);
        otherGroup = TransportTestSupport.newGroup(new EpollTransport(), 1);
        content = new byte[FILE_SIZE];
        new Random(42).nextBytes(content);
        file = Files.createTempFile("pollen-zero-copy", ".bin");
        Files.write(file, content);
    }

    @AfterAll
    static void tearDown() throws IOException {
        TransportTestSupport.shutdown(group, otherGroup);
        if (file != null) {
            Files.deleteIfExists(file);
        }
    }

    @BeforeEach
    void newScratch() throws IOException {
        scratch = Files.createTempFile("pollen-splice", ".bin");
    }

    @AfterEach
    void deleteScratch() throws IOException {
        Files.deleteIfExists(scratch);
    }

    private static void close(Channel... channels) {
        for (Channel c : channels) {
            if (c != null) {
                c.close().syncUninterruptibly();
            }
        }
    }

    /** A server whose children collect {@code expected} bytes. */
    private static Channel sink(TransportTestSupport.Collector collector) throws InterruptedException {
        return new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                .childHandler(collector)
                .bind(TransportTestSupport.ANY_LOOPBACK_PORT).sync().channel();
    }

    private static Channel client(Channel server) throws InterruptedException {
        return new Bootstrap().group(group).channel(EpollSocketChannel.class)
                .handler(new ChannelInboundHandlerAdapter())
                .connect(server.localAddress()).sync().channel();
    }

    private static byte[] slice(long position, long count) {
        return Arrays.copyOfRange(content, (int) position, (int) (position + count));
    }

    private static void sendRegion(FileRegion region, byte[] expected) throws Exception {
        TransportTestSupport.Collector collector = new TransportTestSupport.Collector(expected.length);
        Channel server = sink(collector);
        Channel client = client(server);
        try {
            ChannelFuture written = client.writeAndFlush(region);
            assertTrue(written.await(30, TimeUnit.SECONDS), "write did not complete");
            assertTrue(written.isSuccess(), String.valueOf(written.cause()));
            byte[] got = collector.done.get(30, TimeUnit.SECONDS);
            assertArrayEquals(expected, got, "bytes differ");
            assertEquals(0, region.refCnt(), "the region was not released after the write");
        } finally {
            close(client, server);
        }
    }

    // ---------------------------------------------------------------- file regions

    @Test
    void defaultFileRegionFromFileArrivesIntact() throws Exception {
        DefaultFileRegion region = new DefaultFileRegion(file.toFile(), 0, FILE_SIZE);
        sendRegion(region, content);
        assertEquals(FILE_SIZE, region.transferred());
    }

    @Test
    void defaultFileRegionFromFileChannelArrivesIntact() throws Exception {
        FileChannel fc = FileChannel.open(file, StandardOpenOption.READ);
        DefaultFileRegion region = new DefaultFileRegion(fc, 0, FILE_SIZE);
        sendRegion(region, content);
        assertFalse(fc.isOpen(), "releasing the region closes its channel");
    }

    @Test
    void defaultFileRegionOverAZipFileSystemIsCopied() throws Exception {
        // A FileChannel without a descriptor (a zip file system's): that region is copied; a region of
        // a real file after it on the same channel arrives too.
        Path zip = file.resolveSibling("regions.zip");
        byte[] entry = slice(0, 100_000);
        try (java.nio.file.FileSystem fs = java.nio.file.FileSystems.newFileSystem(zip, java.util.Map.of("create", "true"))) {
            java.nio.file.Files.write(fs.getPath("entry"), entry);
        }
        try (java.nio.file.FileSystem fs = java.nio.file.FileSystems.newFileSystem(zip)) {
            FileChannel zipped = FileChannel.open(fs.getPath("entry"), StandardOpenOption.READ);
            byte[] expected = new byte[entry.length + FILE_SIZE];
            System.arraycopy(entry, 0, expected, 0, entry.length);
            System.arraycopy(content, 0, expected, entry.length, FILE_SIZE);
            TransportTestSupport.Collector collector = new TransportTestSupport.Collector(expected.length);
            Channel server = sink(collector);
            Channel client = client(server);
            try {
                client.write(new DefaultFileRegion(zipped, 0, entry.length));
                client.writeAndFlush(new DefaultFileRegion(file.toFile(), 0, FILE_SIZE)).sync();
                assertArrayEquals(expected, collector.done.get(60, TimeUnit.SECONDS));
            } finally {
                close(client, server);
            }
        } finally {
            java.nio.file.Files.deleteIfExists(zip);
        }
    }

    @Test
    void defaultFileRegionSubRange() throws Exception {
        long position = 12345;
        long count = 3 * 1024 * 1024 + 17;
        sendRegion(new DefaultFileRegion(file.toFile(), position, count), slice(position, count));
        FileChannel fc = FileChannel.open(file, StandardOpenOption.READ);
        // The channel's own position must not matter: the region names its range.
        fc.position(1000);
        sendRegion(new DefaultFileRegion(fc, 777, 4096), slice(777, 4096));
    }

    @Test
    void severalRegionsInterleavedWithBuffersKeepTheirOrder() throws Exception {
        byte[] head = "HEAD".getBytes();
        byte[] tail = "TAIL".getBytes();
        int count = 100_000;
        byte[] expected = new byte[head.length + 2 * count + tail.length];
        System.arraycopy(head, 0, expected, 0, head.length);
        System.arraycopy(content, 0, expected, head.length, count);
        System.arraycopy(content, 500_000, expected, head.length + count, count);
        System.arraycopy(tail, 0, expected, head.length + 2 * count, tail.length);
        TransportTestSupport.Collector collector = new TransportTestSupport.Collector(expected.length);
        Channel server = sink(collector);
        Channel client = client(server);
        try {
            client.write(Unpooled.wrappedBuffer(head));
            client.write(new DefaultFileRegion(file.toFile(), 0, count));
            client.write(new DefaultFileRegion(file.toFile(), 500_000, count));
            assertTrue(client.writeAndFlush(Unpooled.wrappedBuffer(tail)).await(30, TimeUnit.SECONDS));
            assertArrayEquals(expected, collector.done.get(30, TimeUnit.SECONDS));
        } finally {
            close(client, server);
        }
    }

    /** A FileRegion that is not a DefaultFileRegion: written through transferTo (the copy path). */
    private static final class ArrayRegion extends AbstractReferenceCounted implements FileRegion {
        private final byte[] data;
        private long transferred;

        ArrayRegion(byte[] data) {
            this.data = data;
        }

        @Override
        public long position() {
            return 0;
        }

        @Override
        @Deprecated
        public long transfered() {
            return transferred;
        }

        @Override
        public long transferred() {
            return transferred;
        }

        @Override
        public long count() {
            return data.length;
        }

        @Override
        public long transferTo(WritableByteChannel target, long position) throws IOException {
            // Small heap chunks: exercises partial writes and the heap-to-direct copy.
            int len = (int) Math.min(data.length - position, 100_000);
            int n = target.write(ByteBuffer.wrap(data, (int) position, len));
            transferred += n;
            return n;
        }

        @Override
        public FileRegion retain() {
            super.retain();
            return this;
        }

        @Override
        public FileRegion retain(int increment) {
            super.retain(increment);
            return this;
        }

        @Override
        public FileRegion touch() {
            return this;
        }

        @Override
        public FileRegion touch(Object hint) {
            return this;
        }

        @Override
        protected void deallocate() {
        }
    }

    @Test
    void otherFileRegionGoesThroughTheCopyPath() throws Exception {
        byte[] data = slice(0, 3 * 1024 * 1024 + 5);
        ArrayRegion region = new ArrayRegion(data);
        sendRegion(region, data);
        assertEquals(data.length, region.transferred());
    }

    // ---------------------------------------------------------------- splice

    /** A server whose children are handed out without reading (AUTO_READ off). */
    private static Channel quietServer(EventLoopGroup g, BlockingQueue<EpollSocketChannel> children)
            throws InterruptedException {
        return new ServerBootstrap().group(g).channel(EpollServerSocketChannel.class)
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        children.add((EpollSocketChannel) ctx.channel());
                    }
                })
                .bind(TransportTestSupport.ANY_LOOPBACK_PORT).sync().channel();
    }

    /** Counts every byte a connection receives until it is closed. */
    private static final class Counter extends ChannelInboundHandlerAdapter {
        final ByteArrayCollector bytes = new ByteArrayCollector();
        final CompletableFuture<byte[]> closed = new CompletableFuture<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            try {
                bytes.add(buf);
            } finally {
                buf.release();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            closed.complete(bytes.toArray());
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            closed.completeExceptionally(cause);
        }
    }

    private static final class ByteArrayCollector {
        private final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();

        synchronized void add(ByteBuf buf) {
            byte[] b = new byte[buf.readableBytes()];
            buf.readBytes(b);
            out.write(b, 0, b.length);
        }

        synchronized byte[] toArray() {
            return out.toByteArray();
        }
    }

    /** source's peer writes; source splices to target; target's peer counts. */
    private void spliceBetweenConnections(int length, int extra) throws Exception {
        spliceBetweenConnections(length, extra, 0);
    }

    /** As above; a targetSndBuf > 0 shrinks the target's send buffer so that splices into it come up short. */
    private void spliceBetweenConnections(int length, int extra, int targetSndBuf) throws Exception {
        BlockingQueue<EpollSocketChannel> sources = new LinkedBlockingQueue<>();
        Channel sourceServer = quietServer(group, sources);
        Counter targetPeerCounter = new Counter();
        Channel targetServer = new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                .childHandler(targetPeerCounter)
                .bind(TransportTestSupport.ANY_LOOPBACK_PORT).sync().channel();
        Channel writer = client(sourceServer);
        EpollSocketChannel source = sources.poll(10, TimeUnit.SECONDS);
        EpollSocketChannel target = (EpollSocketChannel) client(targetServer);
        if (targetSndBuf > 0) {
            target.config().setSendBufferSize(targetSndBuf);
        }
        try {
            assertNotNull(source);
            assertTrue(source.eventLoop() == target.eventLoop());
            byte[] data = slice(0, length + extra);
            ChannelFuture spliced = source.spliceTo(target, length);
            writer.writeAndFlush(Unpooled.wrappedBuffer(data));
            assertTrue(spliced.await(30, TimeUnit.SECONDS), "spliceTo did not complete");
            assertTrue(spliced.isSuccess(), String.valueOf(spliced.cause()));

            // The bytes beyond length stayed in the source for the pipeline.
            if (extra > 0) {
                TransportTestSupport.Collector rest = new TransportTestSupport.Collector(extra);
                source.pipeline().addLast(rest);
                source.config().setAutoRead(true);
                assertArrayEquals(slice(length, extra), rest.done.get(10, TimeUnit.SECONDS));
            }
            // Exactly length bytes reached the target's peer: close the target and count them all.
            target.close().sync();
            byte[] got = targetPeerCounter.closed.get(30, TimeUnit.SECONDS);
            assertEquals(length, got.length, "bytes delivered to the target's peer");
            assertArrayEquals(slice(0, length), got);
        } finally {
            close(writer, source, target, sourceServer, targetServer);
        }
    }

    @Test
    void spliceToAnotherConnectionDeliversExactlyLength() throws Exception {
        spliceBetweenConnections(10_000, 1000);
    }

    @Test
    void spliceToAnotherConnectionLarge() throws Exception {
        spliceBetweenConnections(FILE_SIZE / 2, 4096);
    }

    /**
     * Every byte the source will ever get is requested (nothing extra follows), through a target
     * whose small send buffer makes pipe-to-socket splices come up short: the transfer must still
     * finish, not wait for source readiness that never comes.
     */
    @Test
    void spliceToASlowTargetFinishes() throws Exception {
        for (int i = 0; i < 5; i++) {
            spliceBetweenConnections(2 * 1024 * 1024 - i * 7919, 0, 4096);
        }
    }

    @Test
    void spliceOfZeroBytesCompletesAtOnce() throws Exception {
        BlockingQueue<EpollSocketChannel> sources = new LinkedBlockingQueue<>();
        Channel server = quietServer(group, sources);
        Channel writer = client(server);
        EpollSocketChannel source = sources.poll(10, TimeUnit.SECONDS);
        EpollSocketChannel target = (EpollSocketChannel) writer;
        try {
            assertNotNull(source);
            assertTrue(source.spliceTo(target, 0).await(10, TimeUnit.SECONDS));
        } finally {
            close(writer, source, server);
        }
    }

    /** The int descriptor behind {@code fc}, found through /proc/self/fd. */
    private static int fdOf(Path path) throws IOException {
        Path real = path.toRealPath();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path p : fds) {
                try {
                    if (Files.readSymbolicLink(p).equals(real)) {
                        return Integer.parseInt(p.getFileName().toString());
                    }
                } catch (IOException ignored) {
                    // closed while listing
                }
            }
        }
        throw new IllegalStateException("no descriptor open on " + real);
    }

    @Test
    void spliceToFileAtOffset() throws Exception {
        BlockingQueue<EpollSocketChannel> sources = new LinkedBlockingQueue<>();
        Channel server = quietServer(group, sources);
        Channel writer = client(server);
        EpollSocketChannel source = sources.poll(10, TimeUnit.SECONDS);
        int length = 1024 * 1024 + 3;
        long offset = 4096;
        try (FileChannel out = FileChannel.open(scratch, StandardOpenOption.WRITE, StandardOpenOption.READ)) {
            assertNotNull(source);
            int fd = fdOf(scratch);
            ChannelFuture spliced = source.spliceTo(fd, offset, length);
            writer.writeAndFlush(Unpooled.wrappedBuffer(slice(0, length)));
            assertTrue(spliced.await(30, TimeUnit.SECONDS), "spliceTo(fd) did not complete");
            assertTrue(spliced.isSuccess(), String.valueOf(spliced.cause()));
            assertEquals(offset + length, out.size());
            // Splicing with an explicit offset leaves the file position alone.
            assertEquals(0, out.position());
        } finally {
            close(writer, source, server);
        }
        byte[] written = Files.readAllBytes(scratch);
        assertEquals(offset + length, written.length);
        assertArrayEquals(new byte[(int) offset], Arrays.copyOfRange(written, 0, (int) offset));
        assertArrayEquals(slice(0, length), Arrays.copyOfRange(written, (int) offset, written.length));
    }

    // ---------------------------------------------------------------- splice errors

    @Test
    void spliceNeedsAutoReadOff() throws Exception {
        Channel server = TransportTestSupport.echoServer(new EpollTransport(), group);
        EpollSocketChannel a = (EpollSocketChannel) client(server);
        EpollSocketChannel b = (EpollSocketChannel) client(server);
        try {
            assertTrue(a.config().isAutoRead());
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> a.spliceTo(b, 10));
            assertTrue(e.getMessage().contains("AUTO_READ"), e.getMessage());
            assertThrows(IllegalStateException.class, () -> a.spliceTo(3, 0, 10));
        } finally {
            close(a, b, server);
        }
    }

    @Test
    void spliceTargetMustShareTheLoop() throws Exception {
        BlockingQueue<EpollSocketChannel> sources = new LinkedBlockingQueue<>();
        Channel server = quietServer(group, sources);
        Channel writer = client(server);
        EpollSocketChannel source = sources.poll(10, TimeUnit.SECONDS);
        Channel otherServer = TransportTestSupport.echoServer(new EpollTransport(), otherGroup);
        EpollSocketChannel elsewhere = (EpollSocketChannel) new Bootstrap().group(otherGroup)
                .channel(EpollSocketChannel.class).handler(new ChannelInboundHandlerAdapter())
                .connect(otherServer.localAddress()).sync().channel();
        try {
            assertNotNull(source);
            EventLoop a = source.eventLoop();
            assertFalse(a == elsewhere.eventLoop());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> source.spliceTo(elsewhere, 10));
            assertTrue(e.getMessage().contains("event loop"), e.getMessage());
        } finally {
            close(writer, source, elsewhere, server, otherServer);
        }
    }

    @Test
    void spliceFailsWithClosedChannelWhenSourceClosesFirst() throws Exception {
        BlockingQueue<EpollSocketChannel> sources = new LinkedBlockingQueue<>();
        Channel server = quietServer(group, sources);
        Channel writer = client(server);
        EpollSocketChannel source = sources.poll(10, TimeUnit.SECONDS);
        EpollSocketChannel target = (EpollSocketChannel) writer;
        try {
            assertNotNull(source);
            ChannelFuture spliced = source.spliceTo(target, 100);
            source.close().sync();
            assertTrue(spliced.await(10, TimeUnit.SECONDS), "spliceTo never completed after close");
            assertInstanceOf(ClosedChannelException.class, spliced.cause(), String.valueOf(spliced.cause()));
            // And a request on an already closed channel fails the same way.
            ChannelFuture late = source.spliceTo(target, 100);
            assertTrue(late.await(10, TimeUnit.SECONDS));
            assertInstanceOf(ClosedChannelException.class, late.cause(), String.valueOf(late.cause()));
        } finally {
            close(writer, source, server);
        }
    }

    @Test
    void spliceFailsAtEndOfStream() throws Exception {
        BlockingQueue<EpollSocketChannel> sources = new LinkedBlockingQueue<>();
        Channel sourceServer = quietServer(group, sources);
        Counter targetPeer = new Counter();
        Channel targetServer = new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                .childHandler(targetPeer)
                .bind(TransportTestSupport.ANY_LOOPBACK_PORT).sync().channel();
        Channel writer = client(sourceServer);
        EpollSocketChannel source = sources.poll(10, TimeUnit.SECONDS);
        EpollSocketChannel target = (EpollSocketChannel) client(targetServer);
        try {
            assertNotNull(source);
            ChannelFuture spliced = source.spliceTo(target, 1000);
            writer.writeAndFlush(Unpooled.wrappedBuffer(slice(0, 10))).sync();
            writer.close().sync();
            assertTrue(spliced.await(10, TimeUnit.SECONDS), "spliceTo never completed at end of stream");
            Throwable cause = spliced.cause();
            assertInstanceOf(IOException.class, cause, String.valueOf(cause));
            assertTrue(cause.getMessage().contains("end of stream"), cause.getMessage());
            // What did arrive before the end was still passed on.
            target.close().sync();
            assertArrayEquals(slice(0, 10), targetPeer.closed.get(10, TimeUnit.SECONDS));
        } finally {
            close(writer, source, target, sourceServer, targetServer);
        }
    }

    @Test
    void sendFileOfATruncatedFileDoesNotHang() throws Exception {
        // A region longer than its file: the write must fail (or stop), not spin forever.
        Path shortFile = Files.createTempFile("pollen-short", ".bin");
        try {
            Files.write(shortFile, slice(0, 1000));
            DefaultFileRegion region = new DefaultFileRegion(shortFile.toFile(), 0, 5000);
            TransportTestSupport.Collector collector = new TransportTestSupport.Collector(5000);
            Channel server = sink(collector);
            Channel client = client(server);
            try {
                ChannelFuture written = client.writeAndFlush(region);
                assertTrue(written.await(10, TimeUnit.SECONDS), "writing a region past end of file hangs");
                assertFalse(written.isSuccess(), "a region past end of file reported success");
                assertInstanceOf(IOException.class, written.cause(), String.valueOf(written.cause()));
                System.out.println("truncated region: " + written.cause());
            } finally {
                close(client, server);
            }
        } finally {
            Files.deleteIfExists(shortFile);
        }
    }
}
