package dev.pollen.channel.core;

import dev.pollen.channel.DomainSocketReadMode;
import dev.pollen.channel.FileDescriptor;
import dev.pollen.channel.PeerCredentials;
import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.IoHandler;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.NotYetConnectedException;

/**
 * A Unix domain stream socket for every backend: the TCP stream logic, plus peer credentials and
 * descriptor passing. Writing a {@link FileDescriptor} sends it (SCM_RIGHTS); in
 * {@link DomainSocketReadMode#FILE_DESCRIPTORS} mode the channel reads passed descriptors and fires them
 * as {@link FileDescriptor} messages instead of bytes.
 */
public abstract class AbstractPollenDomainSocketChannel extends AbstractPollenStreamChannel {
    /** At most this many descriptors arrive with one message; the native layer closes any beyond. */
    private static final int MAX_FDS_PER_MESSAGE = 16;

    private final PollenDomainSocketChannelConfig config;

    protected AbstractPollenDomainSocketChannel(Class<? extends IoHandler> ioHandlerType) {
        this(UnixSockets.newStreamSocket(), ioHandlerType);
    }

    private AbstractPollenDomainSocketChannel(PollenSocket socket, Class<? extends IoHandler> ioHandlerType) {
        super(null, socket, ioHandlerType, false);
        config = new PollenDomainSocketChannelConfig(this, socket);
    }

    /** An accepted connection. */
    protected AbstractPollenDomainSocketChannel(Channel parent, PollenSocket socket,
                                                Class<? extends IoHandler> ioHandlerType) {
        super(parent, socket, ioHandlerType, true);
        config = new PollenDomainSocketChannelConfig(this, socket);
    }

    @Override
    public PollenDomainSocketChannelConfig config() {
        return config;
    }

    /**
     * The peer's credentials as the kernel recorded them at connect time.
     *
     * @throws NotYetConnectedException if the channel is not connected
     */
    public PeerCredentials peerCredentials() throws IOException {
        if (!socket.isOpen()) {
            throw Errors.newIOException("getsockopt", -Errors.EBADF);
        }
        if (!isActive()) {
            throw new NotYetConnectedException();
        }
        return UnixSockets.peerCredentials(socket);
    }

    @Override
    protected AbstractPollenUnsafe newUnsafe() {
        return new DomainUnsafe();
    }

    @Override
    protected Object filterOutboundMessage(Object msg) {
        if (msg instanceof FileDescriptor) {
            if (!((FileDescriptor) msg).isOpen()) {
                throw new IllegalArgumentException("cannot send a closed descriptor: " + msg);
            }
            return msg;
        }
        return super.filterOutboundMessage(msg);
    }

    @Override
    protected int writeMessage(ChannelOutboundBuffer in, Object msg) throws Exception {
        if (!(msg instanceof FileDescriptor)) {
            return super.writeMessage(in, msg);
        }
        FileDescriptor fd = (FileDescriptor) msg;
        if (!fd.isOpen()) {
            // Closed after the write was queued: its number may name another file by now.
            in.remove(new IllegalStateException("descriptor closed before it was sent: " + fd));
            return 0;
        }
        int rc = NativeUnix.sendFd(socket.intValue(), fd.intValue());
        if (rc > 0) {
            in.remove();
            return 1;
        }
        if (Errors.isWouldBlock(rc)) {
            return SNDBUF_FULL;
        }
        throw Errors.newIOException("sendmsg", rc, true);
    }

    @Override
    public SocketAddress localAddress() {
        return super.localAddress();
    }

    @Override
    public SocketAddress remoteAddress() {
        return super.remoteAddress();
    }

    @Override
    protected boolean readsAhead() {
        // Descriptors come with recvmsg's control data: a plain batched read would lose them.
        return config.getReadMode() == DomainSocketReadMode.BYTES;
    }

    private final class DomainUnsafe extends StreamUnsafe {
        private final int[] received = new int[MAX_FDS_PER_MESSAGE];

        @Override
        protected void readReady() {
            // Bytes a batch read ahead (in BYTES mode) go first, should the mode have changed since.
            if (config.getReadMode() == DomainSocketReadMode.FILE_DESCRIPTORS && !hasReadInBatch()) {
                readDescriptors();
            } else {
                super.readReady();
            }
        }

        private void readDescriptors() {
            ChannelConfig config = config();
            if (shouldBreakReadReady(config)) {
                clearReadInterest0();
                return;
            }
            ReadHandle handle = recvBufAllocHandle();
            ChannelPipeline pipeline = pipeline();
            handle.reset(config);
            boolean allDataRead = false;
            try {
                do {
                    handle.attemptedBytesRead(1);
                    int rc = NativeUnix.recvFds(socket.intValue(), received);
                    if (rc == 0) {
                        handle.lastBytesRead(-1);
                        allDataRead = true;
                        readPending = false;
                        break;
                    }
                    if (rc < 0) {
                        if (Errors.isWouldBlock(rc)) {
                            handle.lastBytesRead(0);
                            break;
                        }
                        throw Errors.newIOException("recvmsg", rc, true);
                    }
                    handle.lastBytesRead(1);
                    handle.incMessagesRead(1);
                    readPending = false;
                    int count = (rc & ~NativeUnix.FDS_LOST) - 1;
                    for (int i = 0; i < count; i++) {
                        pipeline.fireChannelRead(new FileDescriptor(received[i]));
                    }
                    if ((rc & NativeUnix.FDS_LOST) != 0) {
                        // The channel goes on: what arrived is delivered, the others are closed, not leaked.
                        pipeline.fireExceptionCaught(new IOException("recvmsg(..) dropped descriptors: the peer sent "
                                + "more than " + received.length + " in one message; the rest were closed"));
                    }
                    // Switched back to bytes in channelRead: what follows is read as bytes.
                    if (shouldBreakReadReady(config)
                            || AbstractPollenDomainSocketChannel.this.config.getReadMode()
                            != DomainSocketReadMode.FILE_DESCRIPTORS) {
                        break;
                    }
                } while (handle.continueReading());
                handle.readComplete();
                pipeline.fireChannelReadComplete();
                if (allDataRead) {
                    shutdownInput(true);
                }
            } catch (Throwable t) {
                handle.readComplete();
                pipeline.fireChannelReadComplete();
                pipeline.fireExceptionCaught(t);
                if (t instanceof IOException) {
                    shutdownInput(true);
                }
            } finally {
                if (shouldStopReading(config)) {
                    clearReadInterest();
                }
            }
        }
    }
}
