package dev.pollen.channel.core;

import io.netty.channel.IoEvent;

/**
 * Readiness delivered to an {@link io.netty.channel.IoHandle}. One instance per handler is reused
 * for every dispatch: read {@link #ready()} inside {@code handle(..)}, never keep the event.
 */
public final class PollenIoEvent implements IoEvent {
    private int ready;

    PollenIoEvent() {
    }

    void ready(int ready) {
        this.ready = ready;
    }

    /** {@link Readiness} READABLE / WRITABLE / READ_CLOSED / ERROR bits. */
    public int ready() {
        return ready;
    }

    @Override
    public String toString() {
        return Readiness.readyToString(ready);
    }
}
