package dev.pollen.channel.wepoll;

import dev.pollen.channel.core.PollenServerSocketChannelConfig;
import dev.pollen.channel.core.PollenSocket;

/**
 * {@link PollenServerSocketChannelConfig} plus Windows' {@link WepollChannelOption#SO_EXCLUSIVEADDRUSE};
 * elsewhere (the Linux test build) it is absent from {@link #getOptions()} and setting or reading it
 * throws an {@link UnsupportedOperationException}.
 */
public final class WepollServerSocketChannelConfig extends PollenServerSocketChannelConfig {
    WepollServerSocketChannelConfig(WepollServerSocketChannel channel, PollenSocket socket) {
        super(channel, socket);
        if (Wepoll.isWindows()) {
            nativeOptions.addBoolean(WepollChannelOption.SO_EXCLUSIVEADDRUSE, PollenSocket.SO_EXCLUSIVEADDRUSE);
        } else {
            nativeOptions.addUnavailable(WepollChannelOption.SO_EXCLUSIVEADDRUSE, "Windows");
        }
    }

    public boolean isExclusiveAddressUse() {
        return getOption(WepollChannelOption.SO_EXCLUSIVEADDRUSE);
    }

    public WepollServerSocketChannelConfig setExclusiveAddressUse(boolean on) {
        setOption(WepollChannelOption.SO_EXCLUSIVEADDRUSE, on);
        return this;
    }
}
