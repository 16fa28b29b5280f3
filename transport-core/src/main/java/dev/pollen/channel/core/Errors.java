package dev.pollen.channel.core;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.nio.channels.ClosedChannelException;

/**
 * Turns the negative errno returned by every native call into an exception that names the call
 * and the error. The platform's errno values are read from the library once.
 */
public final class Errors {
    public static int EAGAIN;
    public static int EWOULDBLOCK;
    public static int EINPROGRESS;
    public static int ECONNREFUSED;
    public static int ECONNRESET;
    public static int EPIPE;
    public static int ENOTCONN;
    public static int EBADF;
    public static int ETIMEDOUT;
    public static int EALREADY;
    public static int EISCONN;
    public static int EADDRINUSE;
    public static int EINVAL;
    public static int ENOPROTOOPT;
    public static int EAFNOSUPPORT;
    public static int ENETUNREACH;
    public static int EHOSTUNREACH;
    public static int ENOSYS;

    private static final String[] MESSAGES = new String[512];

    private Errors() {
    }

    /** Called once by a transport right after its library loaded. */
    static synchronized void init() {
        int[] c = NativeSocket.errnoConstants();
        EAGAIN = c[0];
        EWOULDBLOCK = c[1];
        EINPROGRESS = c[2];
        ECONNREFUSED = c[3];
        ECONNRESET = c[4];
        EPIPE = c[5];
        ENOTCONN = c[6];
        EBADF = c[7];
        ETIMEDOUT = c[8];
        EALREADY = c[9];
        EISCONN = c[10];
        EADDRINUSE = c[11];
        EINVAL = c[12];
        ENOPROTOOPT = c[13];
        EAFNOSUPPORT = c[14];
        ENETUNREACH = c[15];
        EHOSTUNREACH = c[16];
        ENOSYS = c[17];
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
