package dev.pollen.channel.core;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.MessageSizeEstimator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.ServerChannelRecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.ServerSocketChannelConfig;
import io.netty.util.NetUtil;

import java.util.Map;

import static io.netty.channel.ChannelOption.SO_BACKLOG;
import static io.netty.channel.ChannelOption.SO_RCVBUF;
import static io.netty.channel.ChannelOption.SO_REUSEADDR;

/** The configuration of a Pollen listening socket. */
public class PollenServerSocketChannelConfig extends DefaultChannelConfig implements ServerSocketChannelConfig {
    private final PollenSocket socket;
    /** Options handed straight to the socket; transports add their own. */
    protected final NativeOptions nativeOptions;
    private volatile int backlog = NetUtil.SOMAXCONN;

    public PollenServerSocketChannelConfig(AbstractPollenServerChannel channel, PollenSocket socket) {
        super(channel, new ServerChannelRecvByteBufAllocator());
        this.socket = socket;
        this.nativeOptions = new NativeOptions(socket)
                .addBoolean(PollenChannelOption.SO_REUSEPORT, PollenSocket.SO_REUSEPORT);
        setReuseAddress(true);
    }

    @Override
    public Map<ChannelOption<?>, Object> getOptions() {
        Map<ChannelOption<?>, Object> options = getOptions(super.getOptions(), SO_RCVBUF, SO_REUSEADDR, SO_BACKLOG);
        return getOptions(options, nativeOptions.options().toArray(new ChannelOption<?>[0]));
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getOption(ChannelOption<T> option) {
        if (option == SO_RCVBUF) {
            return (T) Integer.valueOf(getReceiveBufferSize());
        }
        if (option == SO_REUSEADDR) {
            return (T) Boolean.valueOf(isReuseAddress());
        }
        if (option == SO_BACKLOG) {
            return (T) Integer.valueOf(getBacklog());
        }
        if (nativeOptions.handles(option)) {
            return (T) nativeOptions.get(option);
        }
        return super.getOption(option);
    }

    @Override
    public <T> boolean setOption(ChannelOption<T> option, T value) {
        validate(option, value);
        if (option == SO_RCVBUF) {
            setReceiveBufferSize((Integer) value);
        } else if (option == SO_REUSEADDR) {
            setReuseAddress((Boolean) value);
        } else if (option == SO_BACKLOG) {
            setBacklog((Integer) value);
        } else if (nativeOptions.handles(option)) {
            nativeOptions.set(option, value);
        } else {
            return super.setOption(option, value);
        }
        return true;
    }

    private int get(int option) {
        return socket.getOptionOrThrow(option);
    }

    private void set(int option, int value) {
        socket.setOptionOrThrow(option, value);
    }

    @Override
    public int getBacklog() {
        return backlog;
    }

    @Override
    public PollenServerSocketChannelConfig setBacklog(int backlog) {
        if (backlog < 0) {
            throw new IllegalArgumentException("SO_BACKLOG must be >= 0: " + backlog);
        }
        this.backlog = backlog;
        return this;
    }

    @Override
    public boolean isReuseAddress() {
        return get(PollenSocket.SO_REUSEADDR) != 0;
    }

    @Override
    public PollenServerSocketChannelConfig setReuseAddress(boolean reuseAddress) {
        set(PollenSocket.SO_REUSEADDR, reuseAddress ? 1 : 0);
        return this;
    }

    @Override
    public int getReceiveBufferSize() {
        return get(PollenSocket.SO_RCVBUF);
    }

    @Override
    public PollenServerSocketChannelConfig setReceiveBufferSize(int receiveBufferSize) {
        set(PollenSocket.SO_RCVBUF, PollenSocketChannelConfig.positive(SO_RCVBUF, receiveBufferSize));
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

    @Override
    protected void autoReadCleared() {
        ((AbstractPollenChannel) channel).clearReadInterestLater();
    }
}
