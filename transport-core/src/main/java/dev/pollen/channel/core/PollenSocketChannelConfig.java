package dev.pollen.channel.core;

import dev.pollen.channel.PollenChannelOption;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.MessageSizeEstimator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannelConfig;

import static io.netty.channel.ChannelOption.ALLOW_HALF_CLOSURE;
import static io.netty.channel.ChannelOption.IP_TOS;
import static io.netty.channel.ChannelOption.SO_KEEPALIVE;
import static io.netty.channel.ChannelOption.SO_LINGER;
import static io.netty.channel.ChannelOption.SO_RCVBUF;
import static io.netty.channel.ChannelOption.SO_REUSEADDR;
import static io.netty.channel.ChannelOption.SO_SNDBUF;
import static io.netty.channel.ChannelOption.TCP_NODELAY;

/** The configuration of a Pollen TCP channel: socket options read from and written to the socket. */
public class PollenSocketChannelConfig extends PollenChannelConfig implements SocketChannelConfig {
    /** The options of every TCP channel; a transport's subclass builds its table on this one. */
    protected static final OptionTable<PollenSocketChannelConfig> OPTIONS =
            OptionTable.<PollenSocketChannelConfig>builder()
                    .option(SO_RCVBUF, c -> c.getReceiveBufferSize(), (c, v) -> c.setReceiveBufferSize(v))
                    .option(SO_SNDBUF, c -> c.getSendBufferSize(), (c, v) -> c.setSendBufferSize(v))
                    .option(TCP_NODELAY, c -> c.isTcpNoDelay(), (c, v) -> c.setTcpNoDelay(v))
                    .option(SO_KEEPALIVE, c -> c.isKeepAlive(), (c, v) -> c.setKeepAlive(v))
                    .option(SO_REUSEADDR, c -> c.isReuseAddress(), (c, v) -> c.setReuseAddress(v))
                    .option(SO_LINGER, c -> c.getSoLinger(), (c, v) -> c.setSoLinger(v))
                    .option(IP_TOS, c -> c.getTrafficClass(), (c, v) -> c.setTrafficClass(v))
                    .option(ALLOW_HALF_CLOSURE, c -> c.isAllowHalfClosure(), (c, v) -> c.setAllowHalfClosure(v))
                    .option(PollenChannelOption.WRITE_BATCHING, c -> c.isWriteBatching(),
                            (c, v) -> c.setWriteBatching(v))
                    .socketBoolean(PollenChannelOption.SO_REUSEPORT, PollenSocket.SO_REUSEPORT)
                    .socketInteger(PollenChannelOption.TCP_KEEPIDLE, PollenSocket.TCP_KEEPIDLE, 1)
                    .socketInteger(PollenChannelOption.TCP_KEEPINTVL, PollenSocket.TCP_KEEPINTVL, 1)
                    .socketInteger(PollenChannelOption.TCP_KEEPCNT, PollenSocket.TCP_KEEPCNT, 1)
                    .socketInteger(PollenChannelOption.TCP_USER_TIMEOUT, PollenSocket.TCP_USER_TIMEOUT, 0)
                    .rawSocketOptions()
                    .build();

    private volatile boolean allowHalfClosure;
    private volatile int soLinger = -1;

    public PollenSocketChannelConfig(AbstractPollenStreamChannel channel, PollenSocket socket) {
        this(channel, socket, OPTIONS);
    }

    /** For a transport's subclass, with its table: {@link #OPTIONS} plus its own options. */
    protected PollenSocketChannelConfig(AbstractPollenStreamChannel channel, PollenSocket socket,
            OptionTable<? extends PollenSocketChannelConfig> options) {
        super(channel, new AdaptiveRecvByteBufAllocator(), socket, options);
        if (!(channel.parent() instanceof AbstractPollenServerChannel listener
                && listener.acceptedHasNoDelay(socket))) {
            setTcpNoDelay(true);
        }
    }

    @Override
    public int getReceiveBufferSize() {
        return getSocketOption(PollenSocket.SO_RCVBUF);
    }

    @Override
    public PollenSocketChannelConfig setReceiveBufferSize(int size) {
        setSocketOption(PollenSocket.SO_RCVBUF, OptionTable.positive(SO_RCVBUF, size));
        return this;
    }

    @Override
    public int getSendBufferSize() {
        return getSocketOption(PollenSocket.SO_SNDBUF);
    }

    @Override
    public PollenSocketChannelConfig setSendBufferSize(int size) {
        setSocketOption(PollenSocket.SO_SNDBUF, OptionTable.positive(SO_SNDBUF, size));
        return this;
    }

    @Override
    public boolean isTcpNoDelay() {
        return getSocketOption(PollenSocket.TCP_NODELAY) != 0;
    }

    @Override
    public PollenSocketChannelConfig setTcpNoDelay(boolean on) {
        setSocketOption(PollenSocket.TCP_NODELAY, on ? 1 : 0);
        return this;
    }

    @Override
    public boolean isKeepAlive() {
        return getSocketOption(PollenSocket.SO_KEEPALIVE) != 0;
    }

    @Override
    public PollenSocketChannelConfig setKeepAlive(boolean on) {
        setSocketOption(PollenSocket.SO_KEEPALIVE, on ? 1 : 0);
        return this;
    }

    @Override
    public boolean isReuseAddress() {
        return getSocketOption(PollenSocket.SO_REUSEADDR) != 0;
    }

    @Override
    public PollenSocketChannelConfig setReuseAddress(boolean on) {
        setSocketOption(PollenSocket.SO_REUSEADDR, on ? 1 : 0);
        return this;
    }

    @Override
    public int getSoLinger() {
        return getSocketOption(PollenSocket.SO_LINGER);
    }

    @Override
    public PollenSocketChannelConfig setSoLinger(int seconds) {
        setSocketOption(PollenSocket.SO_LINGER, seconds < 0 ? -1 : seconds);
        soLinger = seconds < 0 ? -1 : seconds;
        return this;
    }

    /** The last SO_LINGER set, without a system call (the close path reads it). */
    final int cachedSoLinger() {
        return soLinger;
    }

    @Override
    public int getTrafficClass() {
        return getSocketOption(PollenSocket.IP_TOS);
    }

    @Override
    public PollenSocketChannelConfig setTrafficClass(int trafficClass) {
        setSocketOption(PollenSocket.IP_TOS, OptionTable.inRange(IP_TOS, trafficClass, 0, 255));
        return this;
    }

    @Override
    public PollenSocketChannelConfig setPerformancePreferences(int connectionTime, int latency, int bandwidth) {
        return this;
    }

    @Override
    public boolean isAllowHalfClosure() {
        return allowHalfClosure;
    }

    @Override
    public PollenSocketChannelConfig setAllowHalfClosure(boolean allowHalfClosure) {
        this.allowHalfClosure = allowHalfClosure;
        return this;
    }

    /** {@link PollenChannelOption#WRITE_BATCHING}. */
    public boolean isWriteBatching() {
        return ((AbstractPollenStreamChannel) channel).writeBatching;
    }

    /** {@link PollenChannelOption#WRITE_BATCHING}. */
    public PollenSocketChannelConfig setWriteBatching(boolean writeBatching) {
        ((AbstractPollenStreamChannel) channel).writeBatching = writeBatching;
        return this;
    }

    @Override
    public PollenSocketChannelConfig setConnectTimeoutMillis(int connectTimeoutMillis) {
        super.setConnectTimeoutMillis(connectTimeoutMillis);
        return this;
    }

    @Override
    @Deprecated
    public PollenSocketChannelConfig setMaxMessagesPerRead(int maxMessagesPerRead) {
        super.setMaxMessagesPerRead(maxMessagesPerRead);
        return this;
    }

    @Override
    public PollenSocketChannelConfig setWriteSpinCount(int writeSpinCount) {
        super.setWriteSpinCount(writeSpinCount);
        return this;
    }

    @Override
    public PollenSocketChannelConfig setAllocator(ByteBufAllocator allocator) {
        super.setAllocator(allocator);
        return this;
    }

    @Override
    public PollenSocketChannelConfig setRecvByteBufAllocator(RecvByteBufAllocator allocator) {
        super.setRecvByteBufAllocator(allocator);
        return this;
    }

    @Override
    public PollenSocketChannelConfig setAutoRead(boolean autoRead) {
        super.setAutoRead(autoRead);
        return this;
    }

    @Override
    public PollenSocketChannelConfig setAutoClose(boolean autoClose) {
        super.setAutoClose(autoClose);
        return this;
    }

    @Override
    @Deprecated
    public PollenSocketChannelConfig setWriteBufferHighWaterMark(int writeBufferHighWaterMark) {
        super.setWriteBufferHighWaterMark(writeBufferHighWaterMark);
        return this;
    }

    @Override
    @Deprecated
    public PollenSocketChannelConfig setWriteBufferLowWaterMark(int writeBufferLowWaterMark) {
        super.setWriteBufferLowWaterMark(writeBufferLowWaterMark);
        return this;
    }

    @Override
    public PollenSocketChannelConfig setWriteBufferWaterMark(WriteBufferWaterMark writeBufferWaterMark) {
        super.setWriteBufferWaterMark(writeBufferWaterMark);
        return this;
    }

    @Override
    public PollenSocketChannelConfig setMessageSizeEstimator(MessageSizeEstimator estimator) {
        super.setMessageSizeEstimator(estimator);
        return this;
    }
}
