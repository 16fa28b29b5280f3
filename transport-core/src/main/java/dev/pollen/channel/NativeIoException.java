package dev.pollen.channel;

import dev.pollen.channel.core.Errors;
import java.io.IOException;

/**
 * A failed native call: the message names the call and the error, e.g.
 * {@code recv(..) failed: Connection reset by peer}; {@link #errno()} gives the error number.
 */
public class NativeIoException extends IOException {
    private static final long serialVersionUID = 1L;
    private final int errno;
    private final boolean stackless;

    public NativeIoException(String call, int errno, boolean stackless) {
        super(call + "(..) failed: " + Errors.message(errno));
        this.errno = errno;
        this.stackless = stackless;
    }

    /** The positive error number. */
    public int errno() {
        return errno;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        // Hot-path failures (a reset connection while reading) skip the costly stack walk.
        return stackless ? this : super.fillInStackTrace();
    }
}
