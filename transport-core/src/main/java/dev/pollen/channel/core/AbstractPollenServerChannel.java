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
    /**
     * Whether this kernel's accepted TCP sockets inherit TCP_NODELAY from their listener: 0 not yet
     * known, 1 yes, -1 no. Learnt from the first connection accepted by a listener that has it.
     */
    private static volatile int noDelayInherited;

    /** Whether TCP_NODELAY was set on this listener at bind, so that accepted sockets can inherit it. */
    private boolean listenerNoDelay;

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
        if (socket.family() != PollenSocket.FAMILY_UNIX) {
            // Accepted sockets get TCP_NODELAY, Netty's default, without a system call each where
            // the kernel copies it from the listener (Linux, the BSDs, macOS).
            try {
                socket.setOption(PollenSocket.TCP_NODELAY, 1);
                listenerNoDelay = true;
            } catch (IOException ignore) {
                // Then every accepted socket sets it itself.
            }
        }
        socket.listen(backlog());
        active = true;
    }

    /**
     * Whether a socket accepted by this listener already has TCP_NODELAY: true when the listener has
     * it and the kernel is known to copy it; the first accepted socket tells.
     */
    final boolean acceptedHasNoDelay(PollenSocket child) {
        if (!listenerNoDelay) {
            return false;
        }
        int inherited = noDelayInherited;
        if (inherited == 0) {
            try {
                inherited = child.getOption(PollenSocket.TCP_NODELAY) != 0 ? 1 : -1;
            } catch (IOException e) {
                return false; // the caller sets it, and fails the same way if it must
            }
            noDelayInherited = inherited;
        }
        return inherited > 0;
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
