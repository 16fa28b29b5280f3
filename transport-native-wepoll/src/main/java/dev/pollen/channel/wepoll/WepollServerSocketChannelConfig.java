package dev.pollen.channel.wepoll;

import dev.pollen.channel.core.PollenServerSocketChannelConfig;
import dev.pollen.channel.core.PollenSocket;
import io.netty.channel.ChannelOption;

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
        }
    }

    @Override
    public <T> T getOption(ChannelOption<T> option) {
        check(option);
        return super.getOption(option);
    }

    @Override
    public <T> boolean setOption(ChannelOption<T> option, T value) {
        check(option);
        return super.setOption(option, value);
    }

    public boolean isExclusiveAddressUse() {
        return getOption(WepollChannelOption.SO_EXCLUSIVEADDRUSE);
    }

    public WepollServerSocketChannelConfig setExclusiveAddressUse(boolean on) {
        setOption(WepollChannelOption.SO_EXCLUSIVEADDRUSE, on);
        return this;
    }

    private static void check(ChannelOption<?> option) {
        if (option == WepollChannelOption.SO_EXCLUSIVEADDRUSE && !Wepoll.isWindows()) {
            throw new UnsupportedOperationException("SO_EXCLUSIVEADDRUSE is unsupported on this OS ("
                    + System.getProperty("os.name") + "): it exists on Windows only");
        }
    }
}
