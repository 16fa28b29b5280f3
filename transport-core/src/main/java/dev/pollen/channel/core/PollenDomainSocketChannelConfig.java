package dev.pollen.channel.core;

import dev.pollen.channel.DomainSocketReadMode;
import dev.pollen.channel.PollenChannelOption;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.MessageSizeEstimator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.DuplexChannelConfig;
import io.netty.util.internal.ObjectUtil;

import static io.netty.channel.ChannelOption.ALLOW_HALF_CLOSURE;
import static io.netty.channel.ChannelOption.SO_RCVBUF;
import static io.netty.channel.ChannelOption.SO_SNDBUF;

/**
 * The configuration of a Pollen Unix domain stream channel: {@code SO_RCVBUF}, {@code SO_SNDBUF},
 * {@code ALLOW_HALF_CLOSURE}, {@link PollenChannelOption#DOMAIN_SOCKET_READ_MODE} and the standard options.
 */
public class PollenDomainSocketChannelConfig extends PollenChannelConfig implements DuplexChannelConfig {
    private static final OptionTable<PollenDomainSocketChannelConfig> OPTIONS =
            OptionTable.<PollenDomainSocketChannelConfig>builder()
                    .option(SO_RCVBUF, c -> c.getReceiveBufferSize(), (c, v) -> c.setReceiveBufferSize(v))
                    .option(SO_SNDBUF, c -> c.getSendBufferSize(), (c, v) -> c.setSendBufferSize(v))
                    .option(ALLOW_HALF_CLOSURE, c -> c.isAllowHalfClosure(), (c, v) -> c.setAllowHalfClosure(v))
                    .option(PollenChannelOption.WRITE_BATCHING, c -> c.isWriteBatching(),
                            (c, v) -> c.setWriteBatching(v))
                    .option(PollenChannelOption.DOMAIN_SOCKET_READ_MODE, c -> c.getReadMode(),
                            (c, v) -> c.setReadMode(v))
                    .build();

    private volatile boolean allowHalfClosure;
    private volatile DomainSocketReadMode readMode = DomainSocketReadMode.BYTES;

    public PollenDomainSocketChannelConfig(AbstractPollenDomainSocketChannel channel, PollenSocket socket) {
        super(channel, new AdaptiveRecvByteBufAllocator(), socket, OPTIONS);
    }

    public int getReceiveBufferSize() {
        return getSocketOption(PollenSocket.SO_RCVBUF);
    }

    public PollenDomainSocketChannelConfig setReceiveBufferSize(int size) {
        setSocketOption(PollenSocket.SO_RCVBUF, OptionTable.positive(SO_RCVBUF, size));
        return this;
    }

    public int getSendBufferSize() {
        return getSocketOption(PollenSocket.SO_SNDBUF);
    }

    public PollenDomainSocketChannelConfig setSendBufferSize(int size) {
        setSocketOption(PollenSocket.SO_SNDBUF, OptionTable.positive(SO_SNDBUF, size));
        return this;
    }

    public DomainSocketReadMode getReadMode() {
        return readMode;
    }

    /**
     * Bytes or passed descriptors. May change at any time, from any thread: the channel reads the mode
     * afresh for every message, so a read in progress never mixes the two.
     */
    public PollenDomainSocketChannelConfig setReadMode(DomainSocketReadMode mode) {
        readMode = ObjectUtil.checkNotNull(mode, "DOMAIN_SOCKET_READ_MODE");
        return this;
    }

    @Override
    public boolean isAllowHalfClosure() {
        return allowHalfClosure;
    }

    @Override
    public PollenDomainSocketChannelConfig setAllowHalfClosure(boolean allowHalfClosure) {
        this.allowHalfClosure = allowHalfClosure;
        return this;
    }

    /** {@link PollenChannelOption#WRITE_BATCHING}. */
    public boolean isWriteBatching() {
        return ((AbstractPollenStreamChannel) channel).writeBatching;
    }

    /** {@link PollenChannelOption#WRITE_BATCHING}. */
    public PollenDomainSocketChannelConfig setWriteBatching(boolean writeBatching) {
        ((AbstractPollenStreamChannel) channel).writeBatching = writeBatching;
        return this;
    }

    @Override
    public PollenDomainSocketChannelConfig setConnectTimeoutMillis(int connectTimeoutMillis) {
        super.setConnectTimeoutMillis(connectTimeoutMillis);
        return this;
    }

    @Override
    @Deprecated
    public PollenDomainSocketChannelConfig setMaxMessagesPerRead(int maxMessagesPerRead) {
        super.setMaxMessagesPerRead(maxMessagesPerRead);
        return this;
    }

    @Override
    public PollenDomainSocketChannelConfig setWriteSpinCount(int writeSpinCount) {
        super.setWriteSpinCount(writeSpinCount);
        return this;
    }

    @Override
    public PollenDomainSocketChannelConfig setAllocator(ByteBufAllocator allocator) {
        super.setAllocator(allocator);
        return this;
    }

    @Override
    public PollenDomainSocketChannelConfig setRecvByteBufAllocator(RecvByteBufAllocator allocator) {
        super.setRecvByteBufAllocator(allocator);
        return this;
    }

    @Override
    public PollenDomainSocketChannelConfig setAutoRead(boolean autoRead) {
        super.setAutoRead(autoRead);
        return this;
    }

    @Override
    public PollenDomainSocketChannelConfig setAutoClose(boolean autoClose) {
        super.setAutoClose(autoClose);
        return this;
    }

    @Override
    @Deprecated
    public PollenDomainSocketChannelConfig setWriteBufferHighWaterMark(int writeBufferHighWaterMark) {
        super.setWriteBufferHighWaterMark(writeBufferHighWaterMark);
        return this;
    }

    @Override
    @Deprecated
    public PollenDomainSocketChannelConfig setWriteBufferLowWaterMark(int writeBufferLowWaterMark) {
        super.setWriteBufferLowWaterMark(writeBufferLowWaterMark);
        return this;
    }

    @Override
    public PollenDomainSocketChannelConfig setWriteBufferWaterMark(WriteBufferWaterMark writeBufferWaterMark) {
        super.setWriteBufferWaterMark(writeBufferWaterMark);
        return this;
    }

    @Override
    public PollenDomainSocketChannelConfig setMessageSizeEstimator(MessageSizeEstimator estimator) {
        super.setMessageSizeEstimator(estimator);
        return this;
    }
}
