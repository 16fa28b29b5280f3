package dev.pollen.channel.epoll;

import dev.pollen.channel.core.PollenSocket;
import dev.pollen.channel.core.PollenSocketChannelConfig;

/** {@link PollenSocketChannelConfig} plus the Linux-only TCP options of {@link EpollChannelOption}. */
public final class EpollSocketChannelConfig extends PollenSocketChannelConfig {
    EpollSocketChannelConfig(EpollSocketChannel channel, PollenSocket socket) {
        super(channel, socket);
        nativeOptions.addBoolean(EpollChannelOption.TCP_CORK, PollenSocket.TCP_CORK)
                .addBoolean(EpollChannelOption.TCP_QUICKACK, PollenSocket.TCP_QUICKACK)
                .addLong(EpollChannelOption.TCP_NOTSENT_LOWAT, PollenSocket.TCP_NOTSENT_LOWAT, 0)
                .addBoolean(EpollChannelOption.TCP_FASTOPEN_CONNECT, PollenSocket.TCP_FASTOPEN_CONNECT)
                .addBoolean(EpollChannelOption.IP_BIND_ADDRESS_NO_PORT, PollenSocket.IP_BIND_ADDRESS_NO_PORT)
                .addInteger(EpollChannelOption.SO_BUSY_POLL, PollenSocket.SO_BUSY_POLL, 0)
                .addBoolean(EpollChannelOption.IP_FREEBIND, PollenSocket.IP_FREEBIND)
                .addBoolean(EpollChannelOption.IP_TRANSPARENT, PollenSocket.IP_TRANSPARENT);
        Md5Keys md5 = new Md5Keys(socket);
        nativeOptions.addCustom(EpollChannelOption.TCP_MD5SIG, md5::keys, md5::set);
    }
}
