package dev.pollen.channel.kqueue;

import dev.pollen.channel.core.OptionTable;
import dev.pollen.channel.core.PollenSocket;
import dev.pollen.channel.core.PollenSocketChannelConfig;
import io.netty.channel.ChannelOption;

/**
 * {@link PollenSocketChannelConfig} plus the BSD TCP options of {@link KQueueChannelOption}
 * (TCP_NOPUSH, SO_SNDLOWAT); where the OS lacks them they are absent from {@link #getOptions()}
 * and setting or reading them throws an {@link UnsupportedOperationException}.
 */
public final class KQueueSocketChannelConfig extends PollenSocketChannelConfig {
    private static final OptionTable<KQueueSocketChannelConfig> OPTIONS =
            OptionTable.<KQueueSocketChannelConfig>builder(PollenSocketChannelConfig.OPTIONS)
                    // Data with the SYN through connectx(2) where macOS has it; elsewhere a plain connect.
                    .option(ChannelOption.TCP_FASTOPEN_CONNECT, c -> c.isTcpFastOpenConnect(),
                            (c, on) -> c.fastOpenConnect = on)
                    .onlyOn(BsdOptions.BSD, BsdOptions.BSD_OSES, b -> b
                            .socketBoolean(KQueueChannelOption.TCP_NOPUSH, PollenSocket.TCP_NOPUSH)
                            .socketInteger(KQueueChannelOption.SO_SNDLOWAT, PollenSocket.SO_SNDLOWAT, 0))
                    .build();

    private volatile boolean fastOpenConnect;

    KQueueSocketChannelConfig(KQueueSocketChannel channel, PollenSocket socket) {
        super(channel, socket, OPTIONS);
    }

    public boolean isTcpFastOpenConnect() {
        return fastOpenConnect;
    }

    public boolean isTcpNoPush() {
        return getOption(KQueueChannelOption.TCP_NOPUSH);
    }

    public KQueueSocketChannelConfig setTcpNoPush(boolean on) {
        setOption(KQueueChannelOption.TCP_NOPUSH, on);
        return this;
    }

    public int getSndLowAt() {
        return getOption(KQueueChannelOption.SO_SNDLOWAT);
    }

    public KQueueSocketChannelConfig setSndLowAt(int bytes) {
        setOption(KQueueChannelOption.SO_SNDLOWAT, bytes);
        return this;
    }
}
