package dev.pollen.channel.epoll;

import dev.pollen.channel.core.AbstractPollenStreamChannel;
import dev.pollen.channel.core.PollenSocket;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.internal.ObjectUtil;

import java.io.IOException;
import java.net.InetSocketAddress;

/** A TCP connection on Pollen's epoll transport. */
public final class EpollSocketChannel extends AbstractPollenStreamChannel implements SocketChannel {
    private final EpollSocketChannelConfig config;
    private Splicer splicer;

    public EpollSocketChannel() {
        this(PollenSocket.newStreamSocket());
    }

    private EpollSocketChannel(PollenSocket socket) {
        super(null, socket, EpollIoHandler.class, false);
        config = new EpollSocketChannelConfig(this, socket);
    }

    EpollSocketChannel(Channel parent, PollenSocket socket, InetSocketAddress remote) {
        super(parent, socket, EpollIoHandler.class, remote);
        config = new EpollSocketChannelConfig(this, socket);
    }

    @Override
    public EpollSocketChannelConfig config() {
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

    /** The connection's TCP_INFO now. */
    public EpollTcpInfo tcpInfo() {
        return tcpInfo(new EpollTcpInfo());
    }

    /** Fills {@code info} with the connection's TCP_INFO now (reuse it to avoid allocation). */
    public EpollTcpInfo tcpInfo(EpollTcpInfo info) {
        if (!isOpen()) {
            // The descriptor number may already belong to another socket.
            throw new io.netty.channel.ChannelException(new java.nio.channels.ClosedChannelException());
        }
        try {
            info.fill(fd());
            return info;
        } catch (IOException e) {
            throw new io.netty.channel.ChannelException(e);
        }
    }

    /**
     * Moves the next {@code length} bytes this channel receives to {@code target} with splice(2),
     * without copying them through user space. Both channels must be on the same event loop and
     * this channel's AUTO_READ must be off (the bytes go to the target, not to the pipeline).
     */
    public ChannelFuture spliceTo(EpollSocketChannel target, int length) {
        return spliceTo(target, length, newPromise());
    }

    public ChannelFuture spliceTo(EpollSocketChannel target, int length, ChannelPromise promise) {
        ObjectUtil.checkNotNull(target, "target");
        if (target.eventLoop() != eventLoop()) {
            throw new IllegalArgumentException("spliceTo(..): both channels must be on the same event loop");
        }
        return splice(target.fd(), -1, length, promise);
    }

    /**
     * Moves the next {@code length} bytes this channel receives into a file descriptor (e.g. a file
     * opened for writing) at {@code offset} with splice(2); AUTO_READ must be off.
     */
    public ChannelFuture spliceTo(int fileDescriptor, long offset, int length) {
        ObjectUtil.checkPositiveOrZero(offset, "offset");
        return splice(fileDescriptor, offset, length, newPromise());
    }

    private ChannelFuture splice(int outFd, long offset, int length, ChannelPromise promise) {
        ObjectUtil.checkPositiveOrZero(length, "length");
        if (config.isAutoRead()) {
            throw new IllegalStateException("spliceTo(..) needs AUTO_READ off on " + this);
        }
        if (eventLoop().inEventLoop()) {
            splice0(outFd, offset, length, promise);
        } else {
            eventLoop().execute(() -> splice0(outFd, offset, length, promise));
        }
        return promise;
    }

    private void splice0(int outFd, long offset, int length, ChannelPromise promise) {
        if (!isOpen()) {
            promise.tryFailure(new java.nio.channels.ClosedChannelException());
            return;
        }
        if (splicer == null) {
            splicer = new Splicer(this);
        }
        splicer.add(outFd, offset, length, promise);
        read();
    }

    @Override
    protected void doClose() throws Exception {
        try {
            super.doClose();
        } finally {
            Splicer s = splicer;
            if (s != null) {
                if (eventLoop().inEventLoop()) {
                    s.close();
                } else {
                    eventLoop().execute(s::close);
                }
            }
        }
    }

    @Override
    protected AbstractPollenUnsafe newUnsafe() {
        return new SpliceUnsafe();
    }

    @Override
    protected boolean readsAhead() {
        Splicer s = splicer;
        return s == null || s.isEmpty(); // spliced bytes go from the socket to the pipe, not through a buffer
    }

    private final class SpliceUnsafe extends StreamUnsafe {
        @Override
        protected void readReady() {
            Splicer s = splicer;
            if (s == null || s.isEmpty() || hasReadInBatch()) {
                // Bytes read ahead by the loop's batch (before a splice was asked for) come first.
                super.readReady();
                return;
            }
            readPending = false;
            if (!s.run()) {
                shutdownInput(true);
            } else if (!s.isEmpty()) {
                readPending = true; // keep READ interest until the requests are served
            }
            if (shouldStopReading(config())) {
                clearReadInterest();
            }
        }
    }
}
