package dev.pollen.channel.epoll;

import dev.pollen.channel.core.PollenChannelOption;

/**
 * Options of Pollen's epoll channels beyond {@link io.netty.channel.ChannelOption}:
 * {@code SO_REUSEPORT}, {@code TCP_KEEPIDLE}, {@code TCP_KEEPINTVL}, {@code TCP_KEEPCNT} and
 * {@code TCP_USER_TIMEOUT}, inherited from {@link PollenChannelOption}.
 */
public final class EpollChannelOption<T> extends PollenChannelOption<T> {
    private EpollChannelOption() {
    }
}
