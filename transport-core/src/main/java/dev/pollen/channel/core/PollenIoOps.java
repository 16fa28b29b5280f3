package dev.pollen.channel.core;

import io.netty.channel.IoOps;

/** An interest set submitted to a {@link PollenIoRegistration}; all eight values are cached. */
public final class PollenIoOps implements IoOps {
    private static final PollenIoOps[] CACHE = new PollenIoOps[8];

    static {
        for (int i = 0; i < CACHE.length; i++) {
            CACHE[i] = new PollenIoOps(i);
        }
    }

    public static final PollenIoOps NONE = CACHE[0];

    private final int interest;

    private PollenIoOps(int interest) {
        this.interest = interest;
    }

    /** The ops for a combination of {@link Readiness} INTEREST_* bits. */
    public static PollenIoOps of(int interest) {
        if ((interest & ~7) != 0) {
            throw new IllegalArgumentException("unknown interest bits: 0x" + Integer.toHexString(interest));
        }
        return CACHE[interest];
    }

    public int interest() {
        return interest;
    }

    @Override
    public String toString() {
        return Readiness.interestToString(interest);
    }
}
