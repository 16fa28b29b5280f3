package dev.pollen.channel.epoll;

import dev.pollen.channel.core.PollenServerSocketChannelConfig;
import dev.pollen.channel.core.PollenSocket;

/** {@link PollenServerSocketChannelConfig} plus the Linux-only listener options of {@link EpollChannelOption}. */
public final class EpollServerSocketChannelConfig extends PollenServerSocketChannelConfig {
    EpollServerSocketChannelConfig(EpollServerSocketChannel channel, PollenSocket socket) {
        super(channel, socket);
        nativeOptions.addInteger(EpollChannelOption.TCP_DEFER_ACCEPT, PollenSocket.TCP_DEFER_ACCEPT, 0)
                .addInteger(EpollChannelOption.TCP_FASTOPEN, PollenSocket.TCP_FASTOPEN, 0)
                .addInteger(EpollChannelOption.SO_BUSY_POLL, PollenSocket.SO_BUSY_POLL, 0)
                .addBoolean(EpollChannelOption.IP_FREEBIND, PollenSocket.IP_FREEBIND)
                .addBoolean(EpollChannelOption.IP_TRANSPARENT, PollenSocket.IP_TRANSPARENT);
        Md5Keys md5 = new Md5Keys(socket);
        nativeOptions.addCustom(EpollChannelOption.TCP_MD5SIG, md5::keys, md5::set);
    }
}
