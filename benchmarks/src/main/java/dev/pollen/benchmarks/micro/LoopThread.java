package dev.pollen.benchmarks.micro;

import io.netty.util.concurrent.ThreadAwareExecutor;

/**
 * Stands in for an event loop's executor when a benchmark drives an {@link io.netty.channel.IoHandler}
 * by hand: one thread is the loop thread, and tasks are run at once on it. No task queue exists, so
 * a task submitted from any other thread is a benchmark bug and fails.
 */
final class LoopThread implements ThreadAwareExecutor {
    private volatile Thread owner;

    LoopThread(Thread owner) {
        this.owner = owner;
    }

    void owner(Thread owner) {
        this.owner = owner;
    }

    @Override
    public boolean isExecutorThread(Thread thread) {
        return thread == owner;
    }

    @Override
    public void execute(Runnable task) {
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("a task from outside the loop thread: " + task);
        }
        task.run();
    }
}
