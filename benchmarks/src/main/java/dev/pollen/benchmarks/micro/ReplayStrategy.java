package dev.pollen.benchmarks.micro;

import io.netty.channel.SelectStrategy;
import io.netty.util.IntSupplier;

/**
 * A select strategy that polls for real until told to replay, then answers "already polled, this
 * many events" without a system call: {@code IoHandler.run(..)} dispatches again the events that
 * the last real wait left in its event array. This times an epoll handler's Java-side dispatch.
 */
final class ReplayStrategy implements SelectStrategy {
    private int replay;

    void replay(int events) {
        this.replay = events;
    }

    @Override
    public int calculateStrategy(IntSupplier selectSupplier, boolean hasTasks) throws Exception {
        return replay > 0 ? replay : selectSupplier.get();
    }
}
