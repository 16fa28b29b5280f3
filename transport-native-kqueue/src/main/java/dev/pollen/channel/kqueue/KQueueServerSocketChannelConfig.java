package dev.pollen.channel.kqueue;

import dev.pollen.channel.core.PollenServerSocketChannelConfig;
import dev.pollen.channel.core.PollenSocket;
import io.netty.channel.ChannelOption;

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
        }
    }

    @Override
    public <T> T getOption(ChannelOption<T> option) {
        BsdOptions.check(option);
        return super.getOption(option);
    }

    @Override
    public <T> boolean setOption(ChannelOption<T> option, T value) {
        BsdOptions.check(option);
        return super.setOption(option, value);
    }

    public AcceptFilter getAcceptFilter() {
        return getOption(KQueueChannelOption.SO_ACCEPTFILTER);
    }

    public KQueueServerSocketChannelConfig setAcceptFilter(AcceptFilter filter) {
        setOption(KQueueChannelOption.SO_ACCEPTFILTER, filter);
        return this;
    }
}
