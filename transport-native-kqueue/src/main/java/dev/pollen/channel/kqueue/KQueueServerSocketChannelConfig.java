package dev.pollen.channel.kqueue;

import dev.pollen.channel.core.PollenServerSocketChannelConfig;
import dev.pollen.channel.core.PollenSocket;

/**
 * {@link PollenServerSocketChannelConfig} plus FreeBSD's {@link KQueueChannelOption#SO_ACCEPTFILTER};
 * elsewhere it is absent from {@link #getOptions()} and setting or reading it throws an
 * {@link UnsupportedOperationException}.
 */
public final class KQueueServerSocketChannelConfig extends PollenServerSocketChannelConfig {
    KQueueServerSocketChannelConfig(KQueueServerSocketChannel channel, PollenSocket socket) {
        super(channel, socket);
        if (BsdOptions.ACCEPT_FILTER) {
            nativeOptions.addCustom(KQueueChannelOption.SO_ACCEPTFILTER, () -> BsdOptions.getAcceptFilter(socket),
                    filter -> BsdOptions.setAcceptFilter(socket, filter));
        } else {
            nativeOptions.addUnavailable(KQueueChannelOption.SO_ACCEPTFILTER, "FreeBSD");
        }
    }

    public AcceptFilter getAcceptFilter() {
        return getOption(KQueueChannelOption.SO_ACCEPTFILTER);
    }

    public KQueueServerSocketChannelConfig setAcceptFilter(AcceptFilter filter) {
        setOption(KQueueChannelOption.SO_ACCEPTFILTER, filter);
        return this;
    }
}
