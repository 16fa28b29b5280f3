package dev.pollen.channel.wepoll;

import dev.pollen.channel.PollenChannelOption;
import io.netty.channel.ChannelOption;

/**
 * Options of Pollen's wepoll channels beyond {@link ChannelOption}. The portable ones Windows has
 * ({@code TCP_KEEPIDLE}, {@code TCP_KEEPINTVL}, {@code TCP_KEEPCNT}: Windows 10 1709 and later) are
 * inherited from {@link PollenChannelOption}; the one below exists on Windows only, and setting or
 * reading it anywhere else throws an {@link UnsupportedOperationException} saying so.
 */
public final class WepollChannelOption<T> extends PollenChannelOption<T> {
    /**
     * Bind the listener's port exclusively (SO_EXCLUSIVEADDRUSE): no other socket may bind it, even
     * with SO_REUSEADDR. Windows servers should prefer it to SO_REUSEADDR, which on Windows lets
     * another socket take over a port already bound.
     */
    public static final ChannelOption<Boolean> SO_EXCLUSIVEADDRUSE =
            valueOf(WepollChannelOption.class, "SO_EXCLUSIVEADDRUSE");

    private WepollChannelOption() {
    }
}
