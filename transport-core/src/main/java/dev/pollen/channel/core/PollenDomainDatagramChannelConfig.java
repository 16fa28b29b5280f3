package dev.pollen.channel.core;

import io.netty.channel.FixedRecvByteBufAllocator;

import static io.netty.channel.ChannelOption.SO_RCVBUF;
import static io.netty.channel.ChannelOption.SO_SNDBUF;

/**
 * The configuration of a Pollen Unix domain datagram channel: {@code SO_RCVBUF}, {@code SO_SNDBUF} and the
 * standard options. Reads go into 2048-byte buffers unless another {@code RCVBUF_ALLOCATOR} is set; a longer
 * datagram is truncated, as the socket API does.
 */
public class PollenDomainDatagramChannelConfig extends PollenChannelConfig {
    private static final OptionTable<PollenDomainDatagramChannelConfig> OPTIONS =
            OptionTable.<PollenDomainDatagramChannelConfig>builder()
                    .option(SO_RCVBUF, c -> c.getSocketOption(PollenSocket.SO_RCVBUF),
                            (c, v) -> c.setSocketOption(PollenSocket.SO_RCVBUF, OptionTable.positive(SO_RCVBUF, v)))
                    .option(SO_SNDBUF, c -> c.getSocketOption(PollenSocket.SO_SNDBUF),
                            (c, v) -> c.setSocketOption(PollenSocket.SO_SNDBUF, OptionTable.positive(SO_SNDBUF, v)))
                    .build();

    public PollenDomainDatagramChannelConfig(AbstractPollenDomainDatagramChannel channel, PollenSocket socket) {
        super(channel, new FixedRecvByteBufAllocator(2048), socket, OPTIONS);
    }
}
