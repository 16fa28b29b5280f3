package dev.pollen.channel.core;

import dev.pollen.channel.PollenChannelOption;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.MessageSizeEstimator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.ServerChannelRecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.ServerSocketChannelConfig;
import io.netty.util.NetUtil;

import static io.netty.channel.ChannelOption.SO_BACKLOG;
import static io.netty.channel.ChannelOption.SO_RCVBUF;
import static io.netty.channel.ChannelOption.SO_REUSEADDR;

/** The configuration of a Pollen listening socket. */
public class PollenServerSocketChannelConfig extends PollenChannelConfig implements ServerSocketChannelConfig {
    /** The options of every TCP listener; a transport's subclass builds its table on this one. */
    protected static final OptionTable<PollenServerSocketChannelConfig> OPTIONS =
            OptionTable.<PollenServerSocketChannelConfig>builder()
                    .option(SO_RCVBUF, c -> c.getReceiveBufferSize(), (c, v) -> c.setReceiveBufferSize(v))
                    .option(SO_REUSEADDR, c -> c.isReuseAddress(), (c, v) -> c.setReuseAddress(v))
                    .option(SO_BACKLOG, c -> c.getBacklog(), (c, v) -> c.setBacklog(v))
                    .socketBoolean(PollenChannelOption.SO_REUSEPORT, PollenSocket.SO_REUSEPORT)
                    .rawSocketOptions()
                    .build();

    private volatile int backlog = NetUtil.SOMAXCONN;

    public PollenServerSocketChannelConfig(AbstractPollenServerChannel channel, PollenSocket socket) {
        this(channel, socket, OPTIONS);
    }

    /** For a transport's subclass, with its table: {@link #OPTIONS} plus its own options. */
    protected PollenServerSocketChannelConfig(AbstractPollenServerChannel channel, PollenSocket socket,
            OptionTable<? extends PollenServerSocketChannelConfig> options) {
        super(channel, new ServerChannelRecvByteBufAllocator(), socket, options);
        setReuseAddress(true);
    }

    @Override
    public int getBacklog() {
        return backlog;
    }

    @Override
    public PollenServerSocketChannelConfig setBacklog(int backlog) {
        this.backlog = OptionTable.nonNegative(SO_BACKLOG, backlog);
        return this;
    }

    @Override
    public boolean isReuseAddress() {
        return getSocketOption(PollenSocket.SO_REUSEADDR) != 0;
    }

    @Override
    public PollenServerSocketChannelConfig setReuseAddress(boolean reuseAddress) {
        setSocketOption(PollenSocket.SO_REUSEADDR, reuseAddress ? 1 : 0);
        return this;
    }

    @Override
    public int getReceiveBufferSize() {
        return getSocketOption(PollenSocket.SO_RCVBUF);
    }

    @Override
    public PollenServerSocketChannelConfig setReceiveBufferSize(int receiveBufferSize) {
        setSocketOption(PollenSocket.SO_RCVBUF, OptionTable.positive(SO_RCVBUF, receiveBufferSize));
        return this;
    }

    @Override
    public PollenServerSocketChannelConfig setPerformancePreferences(int connectionTime, int latency, int bandwidth) {
        return this;
    }

    @Override
    public PollenServerSocketChannelConfig setConnectTimeoutMillis(int connectTimeoutMillis) {
        super.setConnectTimeoutMillis(connectTimeoutMillis);
        return this;
    }

    @Override
    @Deprecated
    public PollenServerSocketChannelConfig setMaxMessagesPerRead(int maxMessagesPerRead) {
        super.setMaxMessagesPerRead(maxMessagesPerRead);
        return this;
    }

    @Override
    public PollenServerSocketChannelConfig setWriteSpinCount(int writeSpinCount) {
        super.setWriteSpinCount(writeSpinCount);
        return this;
    }

    @Override
    public PollenServerSocketChannelConfig setAllocator(ByteBufAllocator allocator) {
        super.setAllocator(allocator);
        return this;
    }

    @Override
    public PollenServerSocketChannelConfig setRecvByteBufAllocator(RecvByteBufAllocator allocator) {
        super.setRecvByteBufAllocator(allocator);
        return this;
    }

    @Override
    public PollenServerSocketChannelConfig setAutoRead(boolean autoRead) {
        super.setAutoRead(autoRead);
        return this;
    }

    @Override
    @Deprecated
    public PollenServerSocketChannelConfig setWriteBufferHighWaterMark(int writeBufferHighWaterMark) {
        super.setWriteBufferHighWaterMark(writeBufferHighWaterMark);
        return this;
    }

    @Override
    @Deprecated
    public PollenServerSocketChannelConfig setWriteBufferLowWaterMark(int writeBufferLowWaterMark) {
        super.setWriteBufferLowWaterMark(writeBufferLowWaterMark);
        return this;
    }

    @Override
    public PollenServerSocketChannelConfig setWriteBufferWaterMark(WriteBufferWaterMark writeBufferWaterMark) {
        super.setWriteBufferWaterMark(writeBufferWaterMark);
        return this;
    }

    @Override
    public PollenServerSocketChannelConfig setMessageSizeEstimator(MessageSizeEstimator estimator) {
        super.setMessageSizeEstimator(estimator);
        return this;
    }
}
