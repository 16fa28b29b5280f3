package dev.pollen.channel.kqueue;

import dev.pollen.channel.core.AbstractPollenStreamChannel;
import dev.pollen.channel.core.Errors;
import dev.pollen.channel.core.NativeLibrary;
import dev.pollen.channel.core.PollenSocket;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.Channel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/** A TCP connection on Pollen's kqueue transport. */
public final class KQueueSocketChannel extends AbstractPollenStreamChannel implements SocketChannel {
    private static final boolean MACOS = "osx".equals(NativeLibrary.os());

    private final KQueueSocketChannelConfig config;

    public KQueueSocketChannel() {
        this(PollenSocket.newStreamSocket());
    }

    private KQueueSocketChannel(PollenSocket socket) {
        super(null, socket, KQueueIoHandler.class, false);
        config = new KQueueSocketChannelConfig(this, socket);
    }

    KQueueSocketChannel(Channel parent, PollenSocket socket, InetSocketAddress remote) {
        super(parent, socket, KQueueIoHandler.class, remote);
        config = new KQueueSocketChannelConfig(this, socket);
    }

    @Override
    public KQueueSocketChannelConfig config() {
        return config;
    }

    @Override
    public ServerSocketChannel parent() {
        return (ServerSocketChannel) super.parent();
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) super.localAddress();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return (InetSocketAddress) super.remoteAddress();
    }

    /** TCP fast open on macOS: the first flushed buffer leaves with the SYN through connectx(2). */
    @Override
    protected boolean connectSocket(SocketAddress remote) throws IOException {
        if (config.isTcpFastOpenConnect() && MACOS && remote instanceof InetSocketAddress) {
            ChannelOutboundBuffer out = unsafe().outboundBuffer();
            out.addFlush();
            Object msg = out.current();
            if (msg instanceof ByteBuf && ((ByteBuf) msg).hasMemoryAddress()) {
                ByteBuf buf = (ByteBuf) msg;
                long sent = BsdNative.connectx(fd(), socket.isIPv6(), PollenSocket.encodeAddress(remote),
                        buf.memoryAddress() + buf.readerIndex(), buf.readableBytes());
                if (sent < 0) {
                    throw Errors.newIOException("connectx", (int) sent);
                }
                if (sent > 0) {
                    out.removeBytes(sent);
                }
                return false; // in progress: WRITE readiness finishes it
            }
        }
        return super.connectSocket(remote);
    }
}
