package dev.pollen.channel.epoll;

import dev.pollen.channel.core.Errors;
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

    /**
     * How a loop's held writes (the writes flushed while it handles a batch of ready events) reach
     * the kernel: {@code auto} (the default) in one io_uring submission per batch where this kernel
     * and process allow io_uring, else one system call per channel; {@code true} requires io_uring
     * (making a loop fails otherwise); {@code false} never uses it. Read when a loop is made.
     */
    public static final String IO_URING_PROPERTY = "pollen.epoll.ioUring";

    /**
     * {@code false} keeps the next wait out of the batches' io_uring submissions on Linux 6.15+
     * ({@code IORING_OP_EPOLL_WAIT}): loops then wait with a plain {@code epoll_pwait} after each
     * batch, as on Linux 5.6-6.14, their reads, writes and interest changes still batched. For a
     * kernel whose ring-based wait misbehaves, and to run the older kernels' path. Default
     * {@code true}; read when a loop is made.
     */
    public static final String IO_URING_WAIT_PROPERTY = "pollen.epoll.ioUringWait";

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

    /**
     * True if loops made now batch their held writes through io_uring: the kernel and process allow
     * it (see {@link #ioUringUnavailabilityCause()}) and {@link #IO_URING_PROPERTY} is not {@code false}.
     */
    public static boolean isIoUringUsed() {
        return (capabilities() & PollerBackend.CAP_IO_BATCH) != 0;
    }

    /**
     * Why io_uring cannot be used here, naming the call refused and the error (for example
     * {@code io_uring_setup(..) failed: Operation not permitted} where {@code kernel.io_uring_disabled}
     * or a container's seccomp profile forbids it; {@code io_uring_register(..) failed: ..} where the
     * probe of its operations is refused, or is missing before Linux 5.6), or null if it can.
     */
    public static Throwable ioUringUnavailabilityCause() {
        ensureAvailability();
        int rc = LinuxNative.ioUringProbe();
        if (rc == 0) {
            return null;
        }
        switch (LinuxNative.ioUringProbeStep()) {
            case 2: // the probe refused; EOPNOTSUPP: a kernel before 5.6, which has none
                return Errors.newIOException("io_uring_register", rc);
            case 3:
                return new java.io.IOException("io_uring here lacks an operation Pollen needs"
                        + " (IORING_OP_SEND, SENDMSG, RECV and EPOLL_CTL: Linux 5.6+)");
            default:
                return Errors.newIOException("io_uring_setup", rc);
        }
    }

    /** {@link #IO_URING_PROPERTY}'s value: "auto", "true" or "false". */
    static String ioUringMode() {
        String mode = System.getProperty(IO_URING_PROPERTY, "auto").trim().toLowerCase(java.util.Locale.ROOT);
        if (!mode.equals("auto") && !mode.equals("true") && !mode.equals("false")) {
            throw new IllegalArgumentException("-D" + IO_URING_PROPERTY + "=" + mode + " (expected: auto, true or false)");
        }
        return mode;
    }

    /** {@link #IO_URING_WAIT_PROPERTY}'s value. */
    static boolean ioUringWait() {
        String value = System.getProperty(IO_URING_WAIT_PROPERTY, "true").trim().toLowerCase(java.util.Locale.ROOT);
        if (!value.equals("true") && !value.equals("false")) {
            throw new IllegalArgumentException("-D" + IO_URING_WAIT_PROPERTY + "=" + value + " (expected: true or false)");
        }
        return value.equals("true");
    }

    /**
     * Checks {@link #IO_URING_PROPERTY} and {@link #IO_URING_WAIT_PROPERTY} before loops are made:
     * an unknown value, or {@code true} where io_uring cannot be used, throws.
     */
    static void checkIoUringMode() {
        ioUringWait(); // an unknown value is refused here, before a loop is made
        if (ioUringMode().equals("true")) {
            Throwable cause = ioUringUnavailabilityCause();
            if (cause != null) {
                throw new IllegalStateException("-D" + IO_URING_PROPERTY + "=true, but io_uring cannot be used here: "
                        + cause.getMessage(), cause);
            }
        }
    }

    /** True if waits have nanosecond precision here (epoll_pwait2, Linux 5.11+). */
    public static boolean isNanosecondTimeoutSupported() {
        return (capabilities() & PollerBackend.CAP_NANO_TIMEOUT) != 0;
    }
}
