package dev.pollen.channel.kqueue;

import dev.pollen.channel.core.OptionTable;
import dev.pollen.channel.core.PollenServerSocketChannelConfig;
import dev.pollen.channel.core.PollenSocket;

/**
 * {@link PollenServerSocketChannelConfig} plus FreeBSD's {@link KQueueChannelOption#SO_ACCEPTFILTER};
 * elsewhere it is absent from {@link #getOptions()} and setting or reading it throws an
 * {@link UnsupportedOperationException}.
 */
public final class KQueueServerSocketChannelConfig extends PollenServerSocketChannelConfig {
    private static final OptionTable<KQueueServerSocketChannelConfig> OPTIONS =
            OptionTable.<KQueueServerSocketChannelConfig>builder(PollenServerSocketChannelConfig.OPTIONS)
                    .onlyOn(BsdOptions.ACCEPT_FILTER, "FreeBSD", b -> b
                            .option(KQueueChannelOption.SO_ACCEPTFILTER, c -> BsdOptions.getAcceptFilter(c.socket()),
                                    (c, filter) -> BsdOptions.setAcceptFilter(c.socket(), filter)))
                    .build();

    KQueueServerSocketChannelConfig(KQueueServerSocketChannel channel, PollenSocket socket) {
        super(channel, socket, OPTIONS);
    }

    public AcceptFilter getAcceptFilter() {
        return getOption(KQueueChannelOption.SO_ACCEPTFILTER);
    }

    public KQueueServerSocketChannelConfig setAcceptFilter(AcceptFilter filter) {
        setOption(KQueueChannelOption.SO_ACCEPTFILTER, filter);
        return this;
    }
}
