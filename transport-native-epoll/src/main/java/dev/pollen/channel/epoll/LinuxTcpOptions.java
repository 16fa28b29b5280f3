package dev.pollen.channel.epoll;

import dev.pollen.channel.core.OptionTable;
import dev.pollen.channel.core.PollenChannelConfig;
import dev.pollen.channel.core.PollenSocket;

import java.util.function.Consumer;
import java.util.function.Function;

/** The Linux-only options of every TCP socket, connected or listening. */
final class LinuxTcpOptions {
    private LinuxTcpOptions() {
    }

    /** Declares them in a config's table; {@code md5} gives a config's TCP_MD5SIG keys. */
    static <C extends PollenChannelConfig> Consumer<OptionTable.Builder<C>> of(Function<C, Md5Keys> md5) {
        return b -> b.socketInteger(EpollChannelOption.SO_BUSY_POLL, PollenSocket.SO_BUSY_POLL, 0)
                .socketBoolean(EpollChannelOption.IP_FREEBIND, PollenSocket.IP_FREEBIND)
                .socketBoolean(EpollChannelOption.IP_TRANSPARENT, PollenSocket.IP_TRANSPARENT)
                .option(EpollChannelOption.TCP_MD5SIG, c -> md5.apply(c).keys(), (c, keys) -> md5.apply(c).set(keys));
    }
}
