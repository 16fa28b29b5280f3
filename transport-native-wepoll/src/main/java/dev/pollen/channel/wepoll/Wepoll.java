package dev.pollen.channel.wepoll;

import dev.pollen.channel.core.NativeLibrary;
import dev.pollen.channel.core.PollerBackend;

/**
 * Whether Pollen's wepoll transport can be used here: on 64-bit Windows. Loading happens once, on
 * first use; a failure is kept and reported by {@link #unavailabilityCause()}, never thrown from
 * class initialisation.
 *
 * <p>On Linux the transport is unavailable, except in Pollen's own tests: with the system property
 * {@value #EMULATION_PROPERTY}{@code =true} it loads a test build of its library whose poller is
 * epoll restricted to what the Windows AFD poller offers (level-triggered and one-shot, millisecond
 * timeouts). That build is shipped in no jar; it exists only on the test classpath.
 */
public final class Wepoll {
    static final String LIBRARY = "pollen_transport_native_wepoll";
    /** Test-only: {@code -Dpollen.wepoll.emulation=true} lets Linux load the test library. */
    public static final String EMULATION_PROPERTY = "pollen.wepoll.emulation";
    private static final boolean WINDOWS = "windows".equals(NativeLibrary.os());
    private static final boolean EMULATED;
    private static final Throwable UNAVAILABILITY_CAUSE;

    static {
        Throwable cause = null;
        String os = NativeLibrary.os();
        boolean emulated = "linux".equals(os) && Boolean.getBoolean(EMULATION_PROPERTY);
        if (!WINDOWS && !emulated) {
            cause = new UnsupportedOperationException("Pollen wepoll needs Windows; this is "
                    + System.getProperty("os.name") + ("linux".equals(os) ? " (use Pollen's epoll transport)"
                    : "osx".equals(os) || "freebsd".equals(os) ? " (use Pollen's kqueue transport)" : ""));
        } else {
            cause = NativeLibrary.tryLoad(LIBRARY, Wepoll.class, WepollNative::pollerCapabilities);
        }
        EMULATED = emulated;
        UNAVAILABILITY_CAUSE = cause;
    }

    private Wepoll() {
    }

    public static boolean isAvailable() {
        return UNAVAILABILITY_CAUSE == null;
    }

    /** Throws an {@link UnsatisfiedLinkError} saying why the transport cannot be used. */
    public static void ensureAvailability() {
        NativeLibrary.ensureAvailable("wepoll", UNAVAILABILITY_CAUSE);
    }

    /** Why the transport cannot be used, or null if it can. */
    public static Throwable unavailabilityCause() {
        return UNAVAILABILITY_CAUSE;
    }

    /** True if this is the Linux test build ({@value #EMULATION_PROPERTY}), not the Windows DLL. */
    public static boolean isEmulated() {
        return EMULATED && isAvailable();
    }

    /**
     * {@link PollerBackend} CAP_* bits: level-triggered, one-shot and read-closed; never edge-triggered
     * (AFD polls have no edge mode) and never nanosecond timeouts (waits take milliseconds).
     */
    public static int capabilities() {
        ensureAvailability();
        return WepollNative.INSTANCE.capabilities();
    }

    static boolean isWindows() {
        return WINDOWS;
    }
}
