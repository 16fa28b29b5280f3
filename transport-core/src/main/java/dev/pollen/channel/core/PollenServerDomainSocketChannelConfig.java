package dev.pollen.channel.core;

import io.netty.channel.ChannelException;
import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.ServerChannelRecvByteBufAllocator;
import io.netty.util.NetUtil;

import java.io.IOException;
import java.util.Map;

import static io.netty.channel.ChannelOption.SO_BACKLOG;
import static io.netty.channel.ChannelOption.SO_RCVBUF;

/** The configuration of a Pollen Unix domain listener: {@code SO_BACKLOG}, {@code SO_RCVBUF} and the standard options. */
public class PollenServerDomainSocketChannelConfig extends DefaultChannelConfig {
    private final PollenSocket socket;
    private volatile int backlog = NetUtil.SOMAXCONN;

    public PollenServerDomainSocketChannelConfig(AbstractPollenServerChannel channel, PollenSocket socket) {
        super(channel, new ServerChannelRecvByteBufAllocator());
        this.socket = socket;
    }

    @Override
    public Map<ChannelOption<?>, Object> getOptions() {
        return getOptions(super.getOptions(), SO_RCVBUF, SO_BACKLOG);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getOption(ChannelOption<T> option) {
        if (option == SO_RCVBUF) {
            return (T) Integer.valueOf(getReceiveBufferSize());
        }
        if (option == SO_BACKLOG) {
            return (T) Integer.valueOf(getBacklog());
        }
        return super.getOption(option);
    }

    @Override
    public <T> boolean setOption(ChannelOption<T> option, T value) {
        validate(option, value);
        if (option == SO_RCVBUF) {
            setReceiveBufferSize((Integer) value);
        } else if (option == SO_BACKLOG) {
            setBacklog((Integer) value);
        } else {
            return super.setOption(option, value);
        }
        return true;
    }

    public int getBacklog() {
        return backlog;
    }

    public PollenServerDomainSocketChannelConfig setBacklog(int backlog) {
        if (backlog < 0) {
            throw new IllegalArgumentException("SO_BACKLOG must be >= 0: " + backlog);
        }
        this.backlog = backlog;
        return this;
    }

    public int getReceiveBufferSize() {
        try {
            return socket.getOption(PollenSocket.SO_RCVBUF);
        } catch (IOException e) {
            throw new ChannelException(e);
        }
    }

    public PollenServerDomainSocketChannelConfig setReceiveBufferSize(int size) {
        try {
            socket.setOption(PollenSocket.SO_RCVBUF, PollenSocketChannelConfig.positive(SO_RCVBUF, size));
        } catch (IOException e) {
            throw new ChannelException(e);
        }
        return this;
    }

    @Override
    protected void autoReadCleared() {
        ((AbstractPollenChannel) channel).clearReadInterestLater();
    }
}
