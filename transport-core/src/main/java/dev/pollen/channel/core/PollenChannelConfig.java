package dev.pollen.channel.core;

import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.RecvByteBufAllocator;

import java.util.Map;

/**
 * The base of every Pollen channel config: the options a config handles itself are declared in its
 * class's {@link OptionTable}; {@link #getOptions()}, {@link #getOption} and {@link #setOption} consult
 * that table and leave Netty's generic options (AUTO_READ, ALLOCATOR, WRITE_BUFFER_WATER_MARK, ...) to
 * {@link DefaultChannelConfig}. A transport adds options by declaring a table, not by overriding these.
 */
public abstract class PollenChannelConfig extends DefaultChannelConfig {
    private final PollenSocket socket;
    private final OptionTable<?> options;

    /** {@code options} must be the table of this config's class (or of a superclass it adds nothing to). */
    PollenChannelConfig(AbstractPollenChannel channel, RecvByteBufAllocator allocator, PollenSocket socket,
            OptionTable<?> options) {
        super(channel, allocator);
        this.socket = socket;
        this.options = options;
    }

    /** The channel's socket, for the accessors of a transport's options. */
    protected final PollenSocket socket() {
        return socket;
    }

    @Override
    public final Map<ChannelOption<?>, Object> getOptions() {
        return getOptions(super.getOptions(), options.listed());
    }

    @Override
    @SuppressWarnings("unchecked")
    public final <T> T getOption(ChannelOption<T> option) {
        return options.handles(option) ? (T) options.get(this, option) : super.getOption(option);
    }

    @Override
    public final <T> boolean setOption(ChannelOption<T> option, T value) {
        if (!options.handles(option)) {
            return super.setOption(option, value);
        }
        validate(option, value);
        options.set(this, option, value);
        return true;
    }

    /** A socket option by its portable id; a failure is a ChannelException with the IOException as cause. */
    final int getSocketOption(int id) {
        return socket.getOptionOrThrow(id);
    }

    final void setSocketOption(int id, int value) {
        socket.setOptionOrThrow(id, value);
    }

    @Override
    protected void autoReadCleared() {
        ((AbstractPollenChannel) channel).clearReadInterestLater();
    }
}
