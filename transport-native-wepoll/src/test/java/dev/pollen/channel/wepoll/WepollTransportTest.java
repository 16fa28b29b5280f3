package dev.pollen.channel.wepoll;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.CharsetUtil;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The wepoll channels end to end (on Linux over the test build; the Netty testsuite covers the rest). */
class WepollTransportTest {
    private static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 0);
    private static EventLoopGroup group;

    @BeforeAll
    static void setUp() {
        group = new MultiThreadIoEventLoopGroup(2, WepollIoHandler.newFactory());
    }

    @AfterAll
    static void tearDown() {
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void tcpEchoesAMegabyteWrittenInGatheredChunks() throws Exception {
        Channel server = new ServerBootstrap().group(group).channel(WepollServerSocketChannel.class)
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ctx.writeAndFlush(msg);
                    }
                }).bind(LOOPBACK).sync().channel();
        byte[] data = new byte[1 << 20];
        ThreadLocalRandom.current().nextBytes(data);
        CompletableFuture<byte[]> echoed = new CompletableFuture<>();
        Channel client = new Bootstrap().group(group).channel(WepollSocketChannel.class)
                .handler(new SimpleChannelInboundHandler<ByteBuf>() {
                    private final ByteArrayOutputStream received = new ByteArrayOutputStream();

                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) throws Exception {
                        msg.readBytes(received, msg.readableBytes());
                        if (received.size() >= data.length) {
                            echoed.complete(received.toByteArray());
                        }
                    }
                }).connect(server.localAddress()).sync().channel();
        try {
            for (int off = 0; off < data.length; off += 8192) {
                client.write(Unpooled.wrappedBuffer(data, off, 8192)); // many buffers: one gathering write each flush
            }
            client.flush();
            assertArrayEquals(data, echoed.get(30, TimeUnit.SECONDS));
        } finally {
            client.close().sync();
            server.close().sync();
        }
    }

    @Test
    void refusedConnectNamesTheCallAndTheError() throws Exception {
        Channel probe = new ServerBootstrap().group(group).channel(WepollServerSocketChannel.class)
                .childHandler(new ChannelInboundHandlerAdapter()).bind(LOOPBACK).sync().channel();
        InetSocketAddress closed = (InetSocketAddress) probe.localAddress();
        probe.close().sync();
        ChannelFuture f = new Bootstrap().group(group).channel(WepollSocketChannel.class)
                .handler(new ChannelInboundHandlerAdapter()).connect(closed).await();
        assertFalse(f.isSuccess());
        assertInstanceOf(ConnectException.class, f.cause());
        assertTrue(f.cause().getMessage().startsWith("connect(..) failed: Connection refused"), f.cause().getMessage());
    }

    @Test
    void udpEchoesDatagrams() throws Exception {
        Channel echo = new Bootstrap().group(group).channel(WepollDatagramChannel.class)
                .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket msg) {
                        ctx.writeAndFlush(new DatagramPacket(msg.content().retain(), msg.sender()));
                    }
                }).bind(LOOPBACK).sync().channel();
        CompletableFuture<String> reply = new CompletableFuture<>();
        Channel client = new Bootstrap().group(group).channel(WepollDatagramChannel.class)
                .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket msg) {
                        reply.complete(msg.content().toString(CharsetUtil.US_ASCII) + " from " + msg.sender());
                    }
                }).bind(LOOPBACK).sync().channel();
        try {
            client.writeAndFlush(new DatagramPacket(Unpooled.copiedBuffer("ping", CharsetUtil.US_ASCII),
                    (InetSocketAddress) echo.localAddress())).sync();
            assertEquals("ping from " + echo.localAddress(), reply.get(10, TimeUnit.SECONDS));
        } finally {
            client.close().sync();
            echo.close().sync();
        }
    }

    @Test
    void exclusiveAddressUseExistsOnWindowsOnly() {
        WepollServerSocketChannel ch = new WepollServerSocketChannel();
        try {
            WepollServerSocketChannelConfig config = ch.config();
            assertTrue(config.getOptions().containsKey(ChannelOption.SO_BACKLOG));
            if (Wepoll.isWindows()) {
                config.setExclusiveAddressUse(true);
                assertTrue(config.isExclusiveAddressUse());
            } else {
                assertFalse(config.getOptions().containsKey(WepollChannelOption.SO_EXCLUSIVEADDRUSE));
                UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                        () -> config.setExclusiveAddressUse(true));
                assertTrue(e.getMessage().startsWith("SO_EXCLUSIVEADDRUSE is unsupported on this OS"), e.getMessage());
            }
        } finally {
            ch.unsafe().closeForcibly();
        }
    }
}
