package dev.pollen.channel.kqueue;

import io.netty.util.internal.ObjectUtil;

/**
 * A FreeBSD accept filter ({@code accf_data}, {@code accf_http}, {@code accf_dns}, ...) for
 * {@link KQueueChannelOption#SO_ACCEPTFILTER}: the kernel holds connections back until the filter
 * is satisfied. {@link #NONE} (an empty name) removes the filter.
 */
public final class AcceptFilter {
    /** No filter. */
    public static final AcceptFilter NONE = new AcceptFilter("", "");

    private final String name;
    private final String args;

    public AcceptFilter(String name, String args) {
        this.name = ObjectUtil.checkNotNull(name, "name");
        this.args = ObjectUtil.checkNotNull(args, "args");
        // struct accept_filter_arg: 16 bytes of name, 240 of argument, NUL included.
        if (name.length() > 15 || args.length() > 239) {
            throw new IllegalArgumentException("accept filter name must be at most 15 characters, its argument 239: "
                    + this);
        }
    }

    public String name() {
        return name;
    }

    public String args() {
        return args;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AcceptFilter && name.equals(((AcceptFilter) o).name) && args.equals(((AcceptFilter) o).args);
    }

    @Override
    public int hashCode() {
        return 31 * name.hashCode() + args.hashCode();
    }

    @Override
    public String toString() {
        return name.isEmpty() ? "none" : name + (args.isEmpty() ? "" : "(" + args + ")");
    }
}
