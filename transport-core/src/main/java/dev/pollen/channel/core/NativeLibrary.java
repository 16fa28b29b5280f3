package dev.pollen.channel.core;

import io.netty.util.internal.NativeLibraryLoader;
import io.netty.util.internal.PlatformDependent;

import java.util.Locale;

/**
 * Loads a transport's library from {@code META-INF/native/} of its jar (or from
 * {@code java.library.path}), with the same rules as Netty's own native transports: extraction to
 * {@code io.netty.native.workdir} or the temp directory, and a shaded package prefix in the file
 * name when the jar was relocated.
 */
public final class NativeLibrary {
    private NativeLibrary() {
    }

    /** The normalised OS name used in classifiers and messages: linux, osx, freebsd, windows. */
    public static String os() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (os.startsWith("linux")) {
            return "linux";
        }
        if (os.startsWith("mac") || os.startsWith("darwin")) {
            return "osx";
        }
        if (os.startsWith("windows")) {
            return "windows";
        }
        return os.replaceAll("[^a-z0-9]+", "");
    }

    /** The file name base of a transport library on this CPU, e.g. {@code pollen_transport_native_epoll_x86_64}. */
    public static String libraryName(String baseName) {
        return baseName + '_' + PlatformDependent.normalizedArch();
    }

    /**
     * Loads {@code baseName} for this CPU. Throws {@link UnsatisfiedLinkError} whose message says
     * which library was looked for and why it could not be loaded.
     */
    public static void load(String baseName, Class<?> anchor) {
        String name = libraryName(baseName);
        try {
            NativeLibraryLoader.load(name, anchor.getClassLoader());
        } catch (Throwable t) {
            UnsatisfiedLinkError e = new UnsatisfiedLinkError("could not load META-INF/native/"
                    + System.mapLibraryName(name) + " (os " + os() + ", arch " + PlatformDependent.normalizedArch()
                    + "): " + t.getMessage());
            e.initCause(t);
            throw e;
        }
        Errors.init();
    }

    /**
     * Loads {@code baseName} and calls {@code probe}, a side-effect-free native, to prove the
     * natives are bound. Returns why the transport cannot be used, or null if it can; never throws.
     */
    public static Throwable tryLoad(String baseName, Class<?> anchor, Runnable probe) {
        try {
            load(baseName, anchor);
            probe.run();
            return null;
        } catch (Throwable t) {
            return t;
        }
    }

    /**
     * Throws an {@link UnsatisfiedLinkError} "Pollen TRANSPORT transport unavailable: ..." if
     * {@code cause} (from {@link #tryLoad}) is not null.
     */
    public static void ensureAvailable(String transport, Throwable cause) {
        if (cause != null) {
            throw (Error) new UnsatisfiedLinkError("Pollen " + transport + " transport unavailable: "
                    + cause.getMessage()).initCause(cause);
        }
    }
}
