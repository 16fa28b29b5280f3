package dev.pollen.channel.wepoll;

import dev.pollen.channel.core.OptionTable;
import dev.pollen.channel.core.PollenServerSocketChannelConfig;
import dev.pollen.channel.core.PollenSocket;

/**
 * {@link PollenServerSocketChannelConfig} plus Windows' {@link WepollChannelOption#SO_EXCLUSIVEADDRUSE};
 * elsewhere (the Linux test build) it is absent from {@link #getOptions()} and setting or reading it
 * throws an {@link UnsupportedOperationException}.
 */
public final class WepollServerSocketChannelConfig extends PollenServerSocketChannelConfig {
    private static final OptionTable<WepollServerSocketChannelConfig> OPTIONS =
            OptionTable.<WepollServerSocketChannelConfig>builder(PollenServerSocketChannelConfig.OPTIONS)
                    .onlyOn(Wepoll.isWindows(), "Windows", b -> b
                            .socketBoolean(WepollChannelOption.SO_EXCLUSIVEADDRUSE, PollenSocket.SO_EXCLUSIVEADDRUSE))
                    .build();

    WepollServerSocketChannelConfig(WepollServerSocketChannel channel, PollenSocket socket) {
        super(channel, socket, OPTIONS);
    }

    public boolean isExclusiveAddressUse() {
        return getOption(WepollChannelOption.SO_EXCLUSIVEADDRUSE);
    }

    public WepollServerSocketChannelConfig setExclusiveAddressUse(boolean on) {
        setOption(WepollChannelOption.SO_EXCLUSIVEADDRUSE, on);
        return this;
    }
}
