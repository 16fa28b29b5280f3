package dev.pollen.channel.epoll;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class EpollEchoTest {
    static EventLoopGroup group;

    @BeforeAll
    static void setUp() {
        group = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
    }

    @AfterAll
    static void tearDown() {
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void echoesFourMegabytes() throws Exception {
        Channel server = new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ctx.writeAndFlush(msg);
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        byte[] data = new byte[4 * 1024 * 1024];
        ThreadLocalRandom.current().nextBytes(data);
        ByteBuf received = Unpooled.buffer(data.length);
        CompletableFuture<byte[]> done = new CompletableFuture<>();
        Channel client = new Bootstrap().group(group).channel(EpollSocketChannel.class)
                .handler(new SimpleChannelInboundHandler<ByteBuf>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
                        received.writeBytes(msg);
                        if (received.readableBytes() == data.length) {
                            byte[] out = new byte[data.length];
                            received.readBytes(out);
                            done.complete(out);
                        }
                    }
                }).connect(server.localAddress()).sync().channel();
        for (int off = 0; off < data.length; off += 65536) {
            client.write(Unpooled.wrappedBuffer(data, off, 65536));
        }
        client.flush();
        assertArrayEquals(data, done.get(30, TimeUnit.SECONDS));
        received.release();
        client.close().sync();
        server.close().sync();
    }
}
