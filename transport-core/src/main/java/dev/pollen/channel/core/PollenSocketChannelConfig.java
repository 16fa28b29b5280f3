package dev.pollen.channel.core;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.MessageSizeEstimator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannelConfig;

import java.util.Map;

import static io.netty.channel.ChannelOption.ALLOW_HALF_CLOSURE;
import static io.netty.channel.ChannelOption.IP_TOS;
import static io.netty.channel.ChannelOption.SO_KEEPALIVE;
import static io.netty.channel.ChannelOption.SO_LINGER;
import static io.netty.channel.ChannelOption.SO_RCVBUF;
import static io.netty.channel.ChannelOption.SO_REUSEADDR;
import static io.netty.channel.ChannelOption.SO_SNDBUF;
import static io.netty.channel.ChannelOption.TCP_NODELAY;

/** The configuration of a Pollen TCP channel: socket options read from and written to the socket. */
public class PollenSocketChannelConfig extends DefaultChannelConfig implements SocketChannelConfig {
    private final PollenSocket socket;
    /** Options handed straight to the socket; transports add their own. */
    protected final NativeOptions nativeOptions;
    private volatile boolean allowHalfClosure;
    private volatile int soLinger = -1;

    public PollenSocketChannelConfig(AbstractPollenStreamChannel channel, PollenSocket socket) {
        super(channel);
        this.socket = socket;
        this.nativeOptions = new NativeOptions(socket)
                .addBoolean(PollenChannelOption.SO_REUSEPORT, PollenSocket.SO_REUSEPORT)
                .addInteger(PollenChannelOption.TCP_KEEPIDLE, PollenSocket.TCP_KEEPIDLE, 1)
                .addInteger(PollenChannelOption.TCP_KEEPINTVL, PollenSocket.TCP_KEEPINTVL, 1)
                .addInteger(PollenChannelOption.TCP_KEEPCNT, PollenSocket.TCP_KEEPCNT, 1)
                .addInteger(PollenChannelOption.TCP_USER_TIMEOUT, PollenSocket.TCP_USER_TIMEOUT, 0);
        if (!(channel.parent() instanceof AbstractPollenServerChannel listener
                && listener.acceptedHasNoDelay(socket))) {
            setTcpNoDelay(true);
        }
    }

    @Override
    public Map<ChannelOption<?>, Object> getOptions() {
        Map<ChannelOption<?>, Object> options = getOptions(super.getOptions(), SO_RCVBUF, SO_SNDBUF, TCP_NODELAY,
                SO_KEEPALIVE, SO_REUSEADDR, SO_LINGER, IP_TOS, ALLOW_HALF_CLOSURE,
                PollenChannelOption.WRITE_BATCHING);
        return getOptions(options, nativeOptions.options().toArray(new ChannelOption<?>[0]));
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
        if (option == TCP_NODELAY) {
            return (T) Boolean.valueOf(isTcpNoDelay());
        }
        if (option == SO_KEEPALIVE) {
            return (T) Boolean.valueOf(isKeepAlive());
        }
        if (option == SO_REUSEADDR) {
            return (T) Boolean.valueOf(isReuseAddress());
        }
        if (option == SO_LINGER) {
            return (T) Integer.valueOf(getSoLinger());
        }
        if (option == IP_TOS) {
            return (T) Integer.valueOf(getTrafficClass());
        }
        if (option == ALLOW_HALF_CLOSURE) {
            return (T) Boolean.valueOf(isAllowHalfClosure());
        }
        if (option == PollenChannelOption.WRITE_BATCHING) {
            return (T) Boolean.valueOf(isWriteBatching());
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
        } else if (option == SO_SNDBUF) {
            setSendBufferSize((Integer) value);
        } else if (option == TCP_NODELAY) {
            setTcpNoDelay((Boolean) value);
        } else if (option == SO_KEEPALIVE) {
            setKeepAlive((Boolean) value);
        } else if (option == SO_REUSEADDR) {
            setReuseAddress((Boolean) value);
        } else if (option == SO_LINGER) {
            setSoLinger((Integer) value);
        } else if (option == IP_TOS) {
            setTrafficClass((Integer) value);
        } else if (option == ALLOW_HALF_CLOSURE) {
            setAllowHalfClosure((Boolean) value);
        } else if (option == PollenChannelOption.WRITE_BATCHING) {
            setWriteBatching((Boolean) value);
        } else if (nativeOptions.handles(option)) {
            nativeOptions.set(option, value);
        } else {
            return super.setOption(option, value);
        }
        return true;
    }

    static int positive(ChannelOption<?> option, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(option.name() + " must be > 0: " + value);
        }
        return value;
    }

    final int get(int option) {
        return socket.getOptionOrThrow(option);
    }

    final void set(int option, int value) {
        socket.setOptionOrThrow(option, value);
    }

    @Override
    public int getReceiveBufferSize() {
        return get(PollenSocket.SO_RCVBUF);
    }

    @Override
    public PollenSocketChannelConfig setReceiveBufferSize(int size) {
        set(PollenSocket.SO_RCVBUF, positive(SO_RCVBUF, size));
        return this;
    }

    @Override
    public int getSendBufferSize() {
        return get(PollenSocket.SO_SNDBUF);
    }

    @Override
    public PollenSocketChannelConfig setSendBufferSize(int size) {
        set(PollenSocket.SO_SNDBUF, positive(SO_SNDBUF, size));
        return this;
    }

    @Override
    public boolean isTcpNoDelay() {
        return get(PollenSocket.TCP_NODELAY) != 0;
    }

    @Override
    public PollenSocketChannelConfig setTcpNoDelay(boolean on) {
        set(PollenSocket.TCP_NODELAY, on ? 1 : 0);
        return this;
    }

    @Override
    public boolean isKeepAlive() {
        return get(PollenSocket.SO_KEEPALIVE) != 0;
    }

    @Override
    public PollenSocketChannelConfig setKeepAlive(boolean on) {
        set(PollenSocket.SO_KEEPALIVE, on ? 1 : 0);
        return this;
    }

    @Override
    public boolean isReuseAddress() {
        return get(PollenSocket.SO_REUSEADDR) != 0;
    }

    @Override
    public PollenSocketChannelConfig setReuseAddress(boolean on) {
        set(PollenSocket.SO_REUSEADDR, on ? 1 : 0);
        return this;
    }

    @Override
    public int getSoLinger() {
        return get(PollenSocket.SO_LINGER);
    }

    @Override
    public PollenSocketChannelConfig setSoLinger(int seconds) {
        set(PollenSocket.SO_LINGER, seconds < 0 ? -1 : seconds);
        soLinger = seconds < 0 ? -1 : seconds;
        return this;
    }

    /** The last SO_LINGER set, without a system call (the close path reads it). */
    final int cachedSoLinger() {
        return soLinger;
    }

    @Override
    public int getTrafficClass() {
        return get(PollenSocket.IP_TOS);
    }

    @Override
    public PollenSocketChannelConfig setTrafficClass(int trafficClass) {
        if (trafficClass < 0 || trafficClass > 255) {
            throw new IllegalArgumentException("IP_TOS must be in [0, 255]: " + trafficClass);
        }
        set(PollenSocket.IP_TOS, trafficClass);
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

    @Override
    protected void autoReadCleared() {
        ((AbstractPollenChannel) channel).clearReadInterestLater();
    }
}
