package dev.pollen.channel.epoll;

import dev.pollen.channel.core.OptionTable;
import dev.pollen.channel.core.PollenSocket;
import dev.pollen.channel.core.PollenSocketChannelConfig;

/** {@link PollenSocketChannelConfig} plus the Linux-only TCP options of {@link EpollChannelOption}. */
public final class EpollSocketChannelConfig extends PollenSocketChannelConfig {
    private static final OptionTable<EpollSocketChannelConfig> OPTIONS =
            OptionTable.<EpollSocketChannelConfig>builder(PollenSocketChannelConfig.OPTIONS)
                    .socketBoolean(EpollChannelOption.TCP_CORK, PollenSocket.TCP_CORK)
                    .socketBoolean(EpollChannelOption.TCP_QUICKACK, PollenSocket.TCP_QUICKACK)
                    .socketLong(EpollChannelOption.TCP_NOTSENT_LOWAT, PollenSocket.TCP_NOTSENT_LOWAT, 0)
                    .socketBoolean(EpollChannelOption.TCP_FASTOPEN_CONNECT, PollenSocket.TCP_FASTOPEN_CONNECT)
                    .socketBoolean(EpollChannelOption.IP_BIND_ADDRESS_NO_PORT, PollenSocket.IP_BIND_ADDRESS_NO_PORT)
                    .include(LinuxTcpOptions.of(EpollSocketChannelConfig::md5))
                    .build();

    /** Made when TCP_MD5SIG is first used (from any thread): most connections never use it. */
    private Md5Keys md5;

    EpollSocketChannelConfig(EpollSocketChannel channel, PollenSocket socket) {
        super(channel, socket, OPTIONS);
    }

    private synchronized Md5Keys md5() {
        Md5Keys keys = md5;
        if (keys == null) {
            keys = md5 = new Md5Keys(socket());
        }
        return keys;
    }
}
