package dev.pollen.benchmarks.micro;

import io.netty.channel.IoHandlerContext;

/** The context of a loop that has tasks waiting: {@code run(..)} must poll without blocking. */
final class NonBlockingContext implements IoHandlerContext {
    static final NonBlockingContext INSTANCE = new NonBlockingContext();

    private NonBlockingContext() {
    }

    @Override
    public boolean canBlock() {
        return false;
    }

    @Override
    public long delayNanos(long currentTimeNanos) {
        return 0;
    }

    @Override
    public long deadlineNanos() {
        return -1;
    }
}
