package dev.pollen.channel.core;

import io.netty.channel.IoHandle;

/** An {@link IoHandle} backed by a file descriptor (a socket handle on Windows). */
public interface PollenIoHandle extends IoHandle {
    int fd();

    /**
     * True when the handle is being closed and nothing outside Pollen was given its descriptor: on a
     * backend answering {@link PollerBackend#CAP_CLOSE_REMOVES} the close then ends the registration
     * and no removal call is made.
     */
    default boolean closingOwnDescriptor() {
        return false;
    }

    /**
     * Called on the loop thread once the handle is registered. Declared here as well as in Netty
     * 4.2.7+'s {@link IoHandle}, so that Pollen runs on the 4.2 releases before it.
     */
    default void registered() {
    }

    /** Called on the loop thread once the handle's registration is cancelled; see {@link #registered()}. */
    default void unregistered() {
    }

    /**
     * The poller refused this handle's interest set (applied on the loop thread before a wait).
     * By default the handle is closed.
     */
    default void interestFailed(java.io.IOException cause) throws Exception {
        close();
    }
}
