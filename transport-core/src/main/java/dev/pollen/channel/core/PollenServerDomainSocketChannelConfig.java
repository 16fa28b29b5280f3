package dev.pollen.channel.core;

import io.netty.channel.ServerChannelRecvByteBufAllocator;
import io.netty.util.NetUtil;

import static io.netty.channel.ChannelOption.SO_BACKLOG;
import static io.netty.channel.ChannelOption.SO_RCVBUF;

/** The configuration of a Pollen Unix domain listener: {@code SO_BACKLOG}, {@code SO_RCVBUF} and the standard options. */
public class PollenServerDomainSocketChannelConfig extends PollenChannelConfig {
    private static final OptionTable<PollenServerDomainSocketChannelConfig> OPTIONS =
            OptionTable.<PollenServerDomainSocketChannelConfig>builder()
                    .option(SO_RCVBUF, c -> c.getReceiveBufferSize(), (c, v) -> c.setReceiveBufferSize(v))
                    .option(SO_BACKLOG, c -> c.getBacklog(), (c, v) -> c.setBacklog(v))
                    .build();

    private volatile int backlog = NetUtil.SOMAXCONN;

    public PollenServerDomainSocketChannelConfig(AbstractPollenServerChannel channel, PollenSocket socket) {
        super(channel, new ServerChannelRecvByteBufAllocator(), socket, OPTIONS);
    }

    public int getBacklog() {
        return backlog;
    }

    public PollenServerDomainSocketChannelConfig setBacklog(int backlog) {
        this.backlog = OptionTable.nonNegative(SO_BACKLOG, backlog);
        return this;
    }

    public int getReceiveBufferSize() {
        return getSocketOption(PollenSocket.SO_RCVBUF);
    }

    public PollenServerDomainSocketChannelConfig setReceiveBufferSize(int size) {
        setSocketOption(PollenSocket.SO_RCVBUF, OptionTable.positive(SO_RCVBUF, size));
        return this;
    }
}
