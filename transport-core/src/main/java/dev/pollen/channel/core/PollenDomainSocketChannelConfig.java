package dev.pollen.channel.core;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.MessageSizeEstimator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.DuplexChannelConfig;
import io.netty.util.internal.ObjectUtil;

import java.util.Map;

import static io.netty.channel.ChannelOption.ALLOW_HALF_CLOSURE;
import static io.netty.channel.ChannelOption.SO_RCVBUF;
import static io.netty.channel.ChannelOption.SO_SNDBUF;

/**
 * The configuration of a Pollen Unix domain stream channel: {@code SO_RCVBUF}, {@code SO_SNDBUF},
 * {@code ALLOW_HALF_CLOSURE}, {@link PollenChannelOption#DOMAIN_SOCKET_READ_MODE} and the standard options.
 */
public class PollenDomainSocketChannelConfig extends DefaultChannelConfig implements DuplexChannelConfig {
    private final PollenSocket socket;
    private volatile boolean allowHalfClosure;
    private volatile DomainSocketReadMode readMode = DomainSocketReadMode.BYTES;

    public PollenDomainSocketChannelConfig(AbstractPollenDomainSocketChannel channel, PollenSocket socket) {
        super(channel);
        this.socket = socket;
    }

    @Override
    public Map<ChannelOption<?>, Object> getOptions() {
        return getOptions(super.getOptions(), SO_RCVBUF, SO_SNDBUF, ALLOW_HALF_CLOSURE,
                PollenChannelOption.WRITE_BATCHING, PollenChannelOption.DOMAIN_SOCKET_READ_MODE);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getOption(ChannelOption<T> option) {
        if (option == SO_RCVBUF) {
            return (T) Integer.valueOf(getReceiveBufferSize());
        }
        if (option == SO_SNDBUF) {
            return (T) Integer.valueOf(getSendBufferSize());
        }
        if (option == ALLOW_HALF_CLOSURE) {
            return (T) Boolean.valueOf(isAllowHalfClosure());
        }
        if (option == PollenChannelOption.WRITE_BATCHING) {
            return (T) Boolean.valueOf(isWriteBatching());
        }
        if (option == PollenChannelOption.DOMAIN_SOCKET_READ_MODE) {
            return (T) getReadMode();
        }
        return super.getOption(option);
    }

    @Override
    public <T> boolean setOption(ChannelOption<T> option, T value) {
        validate(option, value);
        if (option == SO_RCVBUF) {
            setReceiveBufferSize((Integer) value);
        } else if (option == SO_SNDBUF) {
            setSendBufferSize((Integer) value);
        } else if (option == ALLOW_HALF_CLOSURE) {
            setAllowHalfClosure((Boolean) value);
        } else if (option == PollenChannelOption.WRITE_BATCHING) {
            setWriteBatching((Boolean) value);
        } else if (option == PollenChannelOption.DOMAIN_SOCKET_READ_MODE) {
            setReadMode((DomainSocketReadMode) value);
        } else {
            return super.setOption(option, value);
        }
        return true;
    }

    public int getReceiveBufferSize() {
        return get(PollenSocket.SO_RCVBUF);
    }

    public PollenDomainSocketChannelConfig setReceiveBufferSize(int size) {
        set(PollenSocket.SO_RCVBUF, PollenSocketChannelConfig.positive(SO_RCVBUF, size));
        return this;
    }

    public int getSendBufferSize() {
        return get(PollenSocket.SO_SNDBUF);
    }

    public PollenDomainSocketChannelConfig setSendBufferSize(int size) {
        set(PollenSocket.SO_SNDBUF, PollenSocketChannelConfig.positive(SO_SNDBUF, size));
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

    private int get(int option) {
        return socket.getOptionOrThrow(option);
    }

    private void set(int option, int value) {
        socket.setOptionOrThrow(option, value);
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

    @Override
    protected void autoReadCleared() {
        ((AbstractPollenChannel) channel).clearReadInterestLater();
    }
}
