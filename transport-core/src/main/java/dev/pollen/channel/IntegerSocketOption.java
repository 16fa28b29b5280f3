package dev.pollen.channel;

import io.netty.channel.ChannelOption;

/**
 * Any integer socket option by the platform's own level and name, for options Pollen does not
 * name, e.g. {@code new IntegerSocketOption("SO_MARK", 1, 36)} on Linux.
 */
public final class IntegerSocketOption extends ChannelOption<Integer> {
    private final int level;
    private final int optname;

    @SuppressWarnings("deprecation")
    public IntegerSocketOption(String name, int level, int optname) {
        super(name);
        this.level = level;
        this.optname = optname;
    }

    public int level() {
        return level;
    }

    public int optname() {
        return optname;
    }
}
