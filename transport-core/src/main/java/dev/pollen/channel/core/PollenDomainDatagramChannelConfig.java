package dev.pollen.channel.core;

import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.FixedRecvByteBufAllocator;

import java.util.Map;

import static io.netty.channel.ChannelOption.SO_RCVBUF;
import static io.netty.channel.ChannelOption.SO_SNDBUF;

/**
 * The configuration of a Pollen Unix domain datagram channel: {@code SO_RCVBUF}, {@code SO_SNDBUF} and the
 * standard options. Reads go into 2048-byte buffers unless another {@code RCVBUF_ALLOCATOR} is set; a longer
 * datagram is truncated, as the socket API does.
 */
public class PollenDomainDatagramChannelConfig extends DefaultChannelConfig {
    private final PollenSocket socket;

    public PollenDomainDatagramChannelConfig(AbstractPollenDomainDatagramChannel channel, PollenSocket socket) {
        super(channel, new FixedRecvByteBufAllocator(2048));
        this.socket = socket;
    }

    @Override
    public Map<ChannelOption<?>, Object> getOptions() {
        return getOptions(super.getOptions(), SO_RCVBUF, SO_SNDBUF);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getOption(ChannelOption<T> option) {
        if (option == SO_RCVBUF) {
            return (T) Integer.valueOf(get(PollenSocket.SO_RCVBUF));
        }
        if (option == SO_SNDBUF) {
            return (T) Integer.valueOf(get(PollenSocket.SO_SNDBUF));
        }
        return super.getOption(option);
    }

    @Override
    public <T> boolean setOption(ChannelOption<T> option, T value) {
        validate(option, value);
        if (option == SO_RCVBUF) {
            set(PollenSocket.SO_RCVBUF, PollenSocketChannelConfig.positive(option, (Integer) value));
        } else if (option == SO_SNDBUF) {
            set(PollenSocket.SO_SNDBUF, PollenSocketChannelConfig.positive(option, (Integer) value));
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
    protected void autoReadCleared() {
        ((AbstractPollenChannel) channel).clearReadInterestLater();
    }
}
