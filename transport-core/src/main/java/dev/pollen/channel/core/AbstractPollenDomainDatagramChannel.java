package dev.pollen.channel.core;

import dev.pollen.channel.DomainDatagramPacket;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.IoHandler;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.util.UncheckedBooleanSupplier;
import io.netty.util.internal.StringUtil;

import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.NotYetConnectedException;

/**
 * A Unix domain datagram socket for every backend. Reads fire {@link DomainDatagramPacket}s carrying the
 * sender's address; writes take a {@link DomainDatagramPacket} (sent to its recipient) or, once connected,
 * a plain {@link ByteBuf}. A datagram that cannot be sent fails its own write, not the channel.
 * {@code disconnect()} closes the channel. A path it bound is deleted when it closes.
 */
public abstract class AbstractPollenDomainDatagramChannel extends AbstractPollenChannel {
    private static final ChannelMetadata METADATA = new ChannelMetadata(false, 16);
    private static final String EXPECTED_TYPES = " (expected: " + StringUtil.simpleClassName(DomainDatagramPacket.class)
            + ", " + StringUtil.simpleClassName(ByteBuf.class) + ')';

    private final PollenDomainDatagramChannelConfig config;
    private volatile SocketAddress local;
    private volatile SocketAddress remote;
    private volatile SocketAddress boundPath;

    protected AbstractPollenDomainDatagramChannel(Class<? extends IoHandler> ioHandlerType) {
        this(UnixSockets.newDatagramSocket(), ioHandlerType);
    }

    private AbstractPollenDomainDatagramChannel(PollenSocket socket, Class<? extends IoHandler> ioHandlerType) {
        super(null, socket, ioHandlerType, 0, false);
        config = new PollenDomainDatagramChannelConfig(this, socket);
    }

    @Override
    public PollenDomainDatagramChannelConfig config() {
        return config;
    }

    @Override
    public ChannelMetadata metadata() {
        return METADATA;
    }

    public boolean isConnected() {
        return remote != null;
    }

    @Override
    protected SocketAddress localAddress0() {
        return local;
    }

    @Override
    protected SocketAddress remoteAddress0() {
        return remote;
    }

    @Override
    protected void doBind(SocketAddress localAddress) throws Exception {
        socket.bind(localAddress);
        SocketAddress actual = socket.localAddress();
        local = actual;
        if (actual instanceof UnixDomainSocketAddress
                && !((UnixDomainSocketAddress) actual).getPath().toString().isEmpty()) {
            boundPath = actual;
        }
        active = true;
    }

    @Override
    protected boolean doConnect(SocketAddress remoteAddress, SocketAddress localAddress) throws Exception {
        if (localAddress != null) {
            doBind(localAddress);
        }
        socket.connect(remoteAddress);
        SocketAddress actual = socket.remoteAddress();
        remote = actual != null ? actual : remoteAddress;
        if (local == null) {
            local = socket.localAddress();
        }
        active = true;
        return true;
    }

    @Override
    protected void doClose() throws Exception {
        try {
            super.doClose();
        } finally {
            SocketAddress path = boundPath;
            if (path != null) {
                boundPath = null;
                UnixSockets.deleteSocketFile(path);
            }
        }
    }

    private static boolean needsCopy(ByteBuf buf) {
        return !buf.hasMemoryAddress() && (!buf.isDirect() || buf.nioBufferCount() != 1);
    }

    @Override
    protected Object filterOutboundMessage(Object msg) {
        if (msg instanceof DomainDatagramPacket) {
            DomainDatagramPacket packet = (DomainDatagramPacket) msg;
            ByteBuf content = packet.content();
            return needsCopy(content)
                    ? new DomainDatagramPacket(newDirectBuffer(packet, content), packet.recipient()) : packet;
        }
        if (msg instanceof ByteBuf) {
            ByteBuf buf = (ByteBuf) msg;
            return needsCopy(buf) ? newDirectBuffer(buf, buf) : buf;
        }
        throw new UnsupportedOperationException("unsupported message type: " + StringUtil.simpleClassName(msg)
                + EXPECTED_TYPES);
    }

    private static long addressOf(ByteBuf buf, int index, int length) {
        if (buf.hasMemoryAddress()) {
            return buf.memoryAddress() + index;
        }
        ByteBuffer nio = buf.internalNioBuffer(index, length);
        return NativeMemory.address(nio) + nio.position();
    }

    @Override
    protected void doWrite(ChannelOutboundBuffer in) throws Exception {
        int spin = config.getWriteSpinCount();
        for (;;) {
            Object msg = in.current();
            if (msg == null) {
                clearInterest(Readiness.INTEREST_WRITE);
                return;
            }
            if (spin-- <= 0) {
                // Let other channels run; the socket is writable, so the loop comes straight back.
                setInterest(Readiness.INTEREST_WRITE);
                return;
            }
            ByteBuf data;
            byte[] to = null;
            try {
                if (msg instanceof DomainDatagramPacket) {
                    data = ((DomainDatagramPacket) msg).content();
                    to = UnixSockets.encode(((DomainDatagramPacket) msg).recipient());
                } else {
                    data = (ByteBuf) msg;
                    if (remote == null) {
                        throw new NotYetConnectedException();
                    }
                }
            } catch (RuntimeException e) {
                in.remove(e);
                continue;
            }
            int length = data.readableBytes();
            int rc = NativeUnix.sendTo(socket.intValue(), addressOf(data, data.readerIndex(), length), length, to);
            if (rc >= 0) {
                in.remove();
            } else if (Errors.isWouldBlock(rc)) {
                setInterest(Readiness.INTEREST_WRITE);
                return;
            } else {
                in.remove(Errors.newIOException("sendto", rc));
            }
        }
    }

    @Override
    protected AbstractPollenUnsafe newUnsafe() {
        return new DomainDatagramUnsafe();
    }

    private final class DomainDatagramUnsafe extends AbstractPollenUnsafe {
        private final byte[] sender = new byte[256];
        private final int[] senderLength = new int[1];
        private RecvByteBufAllocator.Handle handle;

        // Netty's handle stops after a datagram shorter than the buffer ("no more data"); here every
        // datagram fills its own buffer, so only the message count and auto-read bound the loop.
        private RecvByteBufAllocator.Handle datagramHandle() {
            if (handle == null) {
                handle = config.getRecvByteBufAllocator().newHandle();
            }
            return handle;
        }

        private boolean continueReading(RecvByteBufAllocator.Handle h) {
            return h instanceof RecvByteBufAllocator.ExtendedHandle
                    ? ((RecvByteBufAllocator.ExtendedHandle) h).continueReading(UncheckedBooleanSupplier.TRUE_SUPPLIER)
                    : h.continueReading();
        }

        @Override
        protected void readReady() {
            ChannelConfig config = config();
            RecvByteBufAllocator.Handle h = datagramHandle();
            ChannelPipeline pipeline = pipeline();
            ByteBufAllocator allocator = config.getAllocator();
            h.reset(config);
            Throwable exception = null;
            ByteBuf buf = null;
            try {
                do {
                    buf = allocator.directBuffer(h.guess());
                    int writable = buf.writableBytes();
                    h.attemptedBytesRead(writable);
                    int rc = NativeUnix.recvFrom(socket.intValue(), addressOf(buf, buf.writerIndex(), writable),
                            writable, sender, senderLength);
                    if (rc < 0) {
                        buf.release();
                        buf = null;
                        if (Errors.isWouldBlock(rc)) {
                            h.lastBytesRead(0);
                            break;
                        }
                        throw Errors.newIOException("recvfrom", rc);
                    }
                    buf.writerIndex(buf.writerIndex() + rc);
                    h.lastBytesRead(rc);
                    h.incMessagesRead(1);
                    readPending = false;
                    DomainDatagramPacket packet = new DomainDatagramPacket(buf, local,
                            UnixSockets.decode(sender, senderLength[0]));
                    buf = null;
                    pipeline.fireChannelRead(packet);
                } while (isOpen() && continueReading(h));
            } catch (Throwable t) {
                if (buf != null) {
                    buf.release();
                }
                exception = t;
            }
            h.readComplete();
            pipeline.fireChannelReadComplete();
            if (exception != null) {
                pipeline.fireExceptionCaught(exception);
            }
            if (shouldStopReading(config)) {
                clearReadInterest();
            }
        }
    }
}
