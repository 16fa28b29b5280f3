package dev.pollen.channel.epoll;

import dev.pollen.channel.core.OptionTable;
import dev.pollen.channel.core.PollenServerSocketChannelConfig;
import dev.pollen.channel.core.PollenSocket;

/** {@link PollenServerSocketChannelConfig} plus the Linux-only listener options of {@link EpollChannelOption}. */
public final class EpollServerSocketChannelConfig extends PollenServerSocketChannelConfig {
    private static final OptionTable<EpollServerSocketChannelConfig> OPTIONS =
            OptionTable.<EpollServerSocketChannelConfig>builder(PollenServerSocketChannelConfig.OPTIONS)
                    .socketInteger(EpollChannelOption.TCP_DEFER_ACCEPT, PollenSocket.TCP_DEFER_ACCEPT, 0)
                    .socketInteger(EpollChannelOption.TCP_FASTOPEN, PollenSocket.TCP_FASTOPEN, 0)
                    .include(LinuxTcpOptions.of(c -> c.md5))
                    .build();

    private final Md5Keys md5;

    EpollServerSocketChannelConfig(EpollServerSocketChannel channel, PollenSocket socket) {
        super(channel, socket, OPTIONS);
        md5 = new Md5Keys(socket);
    }
}
