package dev.pollen.channel.kqueue;

import dev.pollen.channel.core.NativeLibrary;
import dev.pollen.channel.core.PollerBackend;

/**
 * Whether Pollen's kqueue transport can be used here: on macOS and FreeBSD. Loading happens once,
 * on first use; a failure is kept and reported by {@link #unavailabilityCause()}, never thrown
 * from class initialisation.
 *
 * <p>On Linux the transport is unavailable, except in Pollen's own tests: with the system
 * property {@value #EMULATION_PROPERTY}{@code =true} it loads a test build of its library compiled
 * against a kqueue emulation over epoll (shipped in no jar; it exists only on the test classpath).
 */
public final class KQueue {
    static final String LIBRARY = "pollen_transport_native_kqueue";
    /** Test-only: {@code -Dpollen.kqueue.emulation=true} lets Linux load the emulated test library. */
    public static final String EMULATION_PROPERTY = "pollen.kqueue.emulation";
    private static final boolean EMULATED;
    private static final Throwable UNAVAILABILITY_CAUSE;

    static {
        Throwable cause = null;
        String os = NativeLibrary.os();
        boolean emulated = "linux".equals(os) && Boolean.getBoolean(EMULATION_PROPERTY);
        if (!"osx".equals(os) && !"freebsd".equals(os) && !emulated) {
            cause = new UnsupportedOperationException("Pollen kqueue needs macOS or FreeBSD; this is "
                    + System.getProperty("os.name") + ("linux".equals(os) ? " (use Pollen's epoll transport)" : ""));
        } else {
            cause = NativeLibrary.tryLoad(LIBRARY, KQueue.class, KQueueNative::pollerCapabilities);
        }
        EMULATED = emulated;
        UNAVAILABILITY_CAUSE = cause;
    }

    private KQueue() {
    }

    public static boolean isAvailable() {
        return UNAVAILABILITY_CAUSE == null;
    }

    /** Throws an {@link UnsatisfiedLinkError} saying why the transport cannot be used. */
    public static void ensureAvailability() {
        NativeLibrary.ensureAvailable("kqueue", UNAVAILABILITY_CAUSE);
    }

    /** Why the transport cannot be used, or null if it can. */
    public static Throwable unavailabilityCause() {
        return UNAVAILABILITY_CAUSE;
    }

    /** True if this is the Linux test build over the kqueue emulation ({@value #EMULATION_PROPERTY}). */
    public static boolean isEmulated() {
        return EMULATED && isAvailable();
    }

    /** {@link PollerBackend} CAP_* bits of this kqueue. */
    public static int capabilities() {
        ensureAvailability();
        return KQueueNative.INSTANCE.capabilities();
    }

    /** True if waits have nanosecond precision (kevent takes a timespec). */
    public static boolean isNanosecondTimeoutSupported() {
        return (capabilities() & PollerBackend.CAP_NANO_TIMEOUT) != 0;
    }

    /**
     * True if clients may send data with the SYN here (macOS sysctl net.inet.tcp.fastopen bit 0x1,
     * FreeBSD net.inet.tcp.fastopen.client_enable); false where unknown, e.g. on Linux.
     */
    public static boolean isTcpFastOpenClientSideAvailable() {
        return (tcpFastOpenMode() & 1) != 0;
    }

    /**
     * True if listeners may accept data with the SYN here (macOS net.inet.tcp.fastopen bit 0x2,
     * FreeBSD net.inet.tcp.fastopen.server_enable); false where unknown, e.g. on Linux.
     */
    public static boolean isTcpFastOpenServerSideAvailable() {
        return (tcpFastOpenMode() & 2) != 0;
    }

    private static int tcpFastOpenMode() {
        if (!isAvailable()) {
            return 0;
        }
        int mode = BsdNative.fastOpenMode();
        return mode < 0 ? 0 : mode;
    }
}
