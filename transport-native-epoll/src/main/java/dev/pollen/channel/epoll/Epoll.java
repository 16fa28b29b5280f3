package dev.pollen.channel.epoll;

import dev.pollen.channel.core.NativeLibrary;
import dev.pollen.channel.core.PollerBackend;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether Pollen's epoll transport can be used here. Loading happens once, on first use; a
 * failure is kept and reported by {@link #unavailabilityCause()}, never thrown from class
 * initialisation.
 */
public final class Epoll {
    static final String LIBRARY = "pollen_transport_native_epoll";
    private static final Throwable UNAVAILABILITY_CAUSE;

    static {
        Throwable cause = null;
        if (!"linux".equals(NativeLibrary.os())) {
            cause = new UnsupportedOperationException("Pollen epoll needs Linux; this is " + System.getProperty("os.name"));
        } else {
            cause = NativeLibrary.tryLoad(LIBRARY, Epoll.class, EpollNative::pollerCapabilities);
        }
        UNAVAILABILITY_CAUSE = cause;
    }

    private Epoll() {
    }

    public static boolean isAvailable() {
        return UNAVAILABILITY_CAUSE == null;
    }

    /** Throws an {@link UnsatisfiedLinkError} saying why the transport cannot be used. */
    public static void ensureAvailability() {
        NativeLibrary.ensureAvailable("epoll", UNAVAILABILITY_CAUSE);
    }

    /** Why the transport cannot be used, or null if it can. */
    public static Throwable unavailabilityCause() {
        return UNAVAILABILITY_CAUSE;
    }

    /** {@link PollerBackend} CAP_* bits of this kernel's epoll. */
    public static int capabilities() {
        ensureAvailability();
        return EpollNative.INSTANCE.capabilities();
    }

    /** True if clients may send data with the SYN here (net.ipv4.tcp_fastopen bit 0x1). */
    public static boolean isTcpFastOpenClientSideAvailable() {
        return (tcpFastOpenMode() & 1) != 0;
    }

    /** True if listeners may accept data with the SYN here (net.ipv4.tcp_fastopen bit 0x2). */
    public static boolean isTcpFastOpenServerSideAvailable() {
        return (tcpFastOpenMode() & 2) != 0;
    }

    private static int tcpFastOpenMode() {
        try {
            return Integer.parseInt(Files.readString(Path.of("/proc/sys/net/ipv4/tcp_fastopen")).trim());
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** True if waits have nanosecond precision here (epoll_pwait2, Linux 5.11+). */
    public static boolean isNanosecondTimeoutSupported() {
        return (capabilities() & PollerBackend.CAP_NANO_TIMEOUT) != 0;
    }
}
