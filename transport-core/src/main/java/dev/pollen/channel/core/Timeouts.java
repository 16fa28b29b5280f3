package dev.pollen.channel.core;

import java.time.Duration;

/** Wait timeouts as the natives take them: nanoseconds, saturated rather than overflowing. */
public final class Timeouts {
    private Timeouts() {
    }

    /**
     * The timeout in nanoseconds; {@link Long#MAX_VALUE} (about 292 years) for anything longer.
     *
     * @throws IllegalArgumentException naming {@code call} for a negative timeout
     */
    public static long toNanos(String call, Duration timeout) {
        if (timeout.isNegative()) {
            throw new IllegalArgumentException(call + "(..) failed: negative timeout " + timeout);
        }
        try {
            return timeout.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }
}
