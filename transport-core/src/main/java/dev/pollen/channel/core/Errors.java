package dev.pollen.channel.core;

import dev.pollen.channel.NativeIoException;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.nio.channels.ClosedChannelException;

/**
 * Turns the negative errno returned by every native call into an exception that names the call
 * and the error. The platform's errno values are read from the library once, into final fields.
 */
public final class Errors {
    /*
     * The platform's values, read from the library when this class initialises: NativeLibrary.load
     * initialises it right after the first Pollen library loaded, before anything else uses it.
     */
    private static final int[] C = NativeSocket.errnoConstants();
    public static final int EAGAIN = C[0];
    public static final int EWOULDBLOCK = C[1];
    public static final int EINPROGRESS = C[2];
    public static final int ECONNREFUSED = C[3];
    public static final int ECONNRESET = C[4];
    public static final int EPIPE = C[5];
    public static final int ENOTCONN = C[6];
    public static final int EBADF = C[7];
    public static final int ETIMEDOUT = C[8];
    public static final int EALREADY = C[9];
    public static final int EISCONN = C[10];
    public static final int EADDRINUSE = C[11];
    public static final int EINVAL = C[12];
    public static final int ENOPROTOOPT = C[13];
    public static final int EAFNOSUPPORT = C[14];
    public static final int ENETUNREACH = C[15];
    public static final int EHOSTUNREACH = C[16];
    public static final int ENOSYS = C[17];
    public static final int ENOENT = C[18];
    public static final int EEXIST = C[19];

    private static final String[] MESSAGES = new String[512];

    private Errors() {
    }

    /** Called by the loader right after a library loaded: initialises this class, then reads the messages. */
    static synchronized void init() {
        for (int i = 1; i < MESSAGES.length; i++) {
            MESSAGES[i] = NativeSocket.strerror(i);
        }
    }

    /** The system's text for a (positive) errno. */
    public static String message(int errno) {
        String m = errno > 0 && errno < MESSAGES.length ? MESSAGES[errno] : null;
        return m != null ? m : "errno " + errno;
    }

    public static boolean isWouldBlock(int negErrno) {
        return negErrno == -EAGAIN || negErrno == -EWOULDBLOCK;
    }

    /** An exception for {@code call} failing with {@code negErrno} (a negative errno). */
    public static IOException newIOException(String call, int negErrno) {
        return newIOException(call, negErrno, false);
    }

    public static IOException newIOException(String call, int negErrno, boolean stackless) {
        int errno = -negErrno;
        if (errno == EBADF) {
            ClosedChannelException e = new ClosedChannelException();
            e.initCause(new NativeIoException(call, errno, true));
            return e;
        }
        String msg = call + "(..) failed: " + message(errno);
        if (errno == ECONNREFUSED || errno == ETIMEDOUT && "connect".equals(call)) {
            // A connect's failure is reported as such, whether it failed at once or later.
            return new ConnectException(msg);
        }
        if (errno == EHOSTUNREACH || errno == ENETUNREACH) {
            return new NoRouteToHostException(msg);
        }
        if (errno == EADDRINUSE && "bind".equals(call)) {
            return new BindException(msg);
        }
        return new NativeIoException(call, errno, stackless);
    }
}
