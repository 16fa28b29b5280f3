package dev.pollen.channel.core;

import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.IoHandler;
import io.netty.channel.ServerChannel;

import java.io.IOException;
import java.net.SocketAddress;

/**
 * A listening socket for every backend: accepts in a loop bounded by the
 * {@link io.netty.channel.RecvByteBufAllocator.Handle} (at most {@code maxMessagesPerRead} per
 * wake-up) and hands each connection to {@link #newChildChannel}.
 */
public abstract class AbstractPollenServerChannel extends AbstractPollenChannel implements ServerChannel {
    private static final ChannelMetadata METADATA = new ChannelMetadata(false, 16);

    protected AbstractPollenServerChannel(PollenSocket socket, Class<? extends IoHandler> ioHandlerType) {
        super(null, socket, ioHandlerType, 0, false);
    }

    @Override
    public ChannelMetadata metadata() {
        return METADATA;
    }

    /** Wraps an accepted socket in this transport's child channel; remote is null for Unix domain sockets. */
    protected abstract Channel newChildChannel(PollenSocket child, SocketAddress remote) throws Exception;

    /** The listen backlog from the channel's config. */
    protected abstract int backlog();

    @Override
    protected void doBind(SocketAddress localAddress) throws Exception {
        super.doBind(localAddress);
        socket.listen(backlog());
        active = true;
    }

    @Override
    protected SocketAddress remoteAddress0() {
        return null;
    }

    @Override
    protected void doDisconnect() {
        throw new UnsupportedOperationException();
    }

    @Override
    protected void doWrite(ChannelOutboundBuffer in) {
        throw new UnsupportedOperationException();
    }

    @Override
    protected Object filterOutboundMessage(Object msg) {
        throw new UnsupportedOperationException();
    }

    @Override
    protected boolean doConnect(SocketAddress remoteAddress, SocketAddress localAddress) {
        throw new UnsupportedOperationException();
    }

    @Override
    protected AbstractPollenUnsafe newUnsafe() {
        return new ServerUnsafe();
    }

    private final class ServerUnsafe extends AbstractPollenUnsafe {
        private final byte[] remote = new byte[PollenSocket.ADDR_SIZE];

        @Override
        public void connect(SocketAddress remoteAddress, SocketAddress localAddress, ChannelPromise promise) {
            promise.setFailure(new UnsupportedOperationException());
        }

        @Override
        protected void readReady() {
            ChannelConfig config = config();
            if (shouldBreakReadReady(config)) {
                clearReadInterest0();
                return;
            }
            ReadHandle handle = recvBufAllocHandle();
            ChannelPipeline pipeline = pipeline();
            handle.reset(config);
            handle.attemptedBytesRead(1);
            Throwable exception = null;
            try {
                do {
                    PollenSocket child = socket.accept(remote);
                    if (child == null) {
                        handle.lastBytesRead(0);
                        break;
                    }
                    handle.lastBytesRead(1);
                    handle.incMessagesRead(1);
                    readPending = false;
                    Channel ch;
                    try {
                        ch = newChildChannel(child, child.family() == PollenSocket.FAMILY_UNIX
                                ? null : PollenSocket.decode(remote));
                    } catch (Throwable t) {
                        child.close();
                        throw t;
                    }
                    pipeline.fireChannelRead(ch);
                } while (handle.continueReading());
            } catch (Throwable t) {
                exception = t;
            }
            handle.readComplete();
            pipeline.fireChannelReadComplete();
            if (exception != null) {
                pipeline.fireExceptionCaught(exception);
                if (!(exception instanceof IOException) || !socket.isOpen()) {
                    close(voidPromise());
                }
            }
            if (shouldStopReading(config)) {
                clearReadInterest();
            }
        }
    }
}
