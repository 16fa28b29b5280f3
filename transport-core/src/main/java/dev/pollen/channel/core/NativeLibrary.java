package dev.pollen.channel.core;

import io.netty.util.internal.PlatformDependent;
import io.netty.util.internal.SystemPropertyUtil;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Loads a transport's library from {@code META-INF/native/} of its jar (or from
 * {@code java.library.path}), with the same rules as Netty's own native transports: extraction to
 * {@code io.netty.native.workdir} or the temp directory (deleted after loading unless
 * {@code io.netty.native.deleteLibAfterLoading=false}), and a shaded package prefix in the file
 * name when the jar was relocated. It loads through this class, so the JDK 22+ native-access
 * warning names Pollen, not Netty.
 */
public final class NativeLibrary {
    /** The module name of transport-core's jar (its Automatic-Module-Name). */
    public static final String MODULE = "dev.pollen.transport.core";

    private static final String NATIVE_HOME = "META-INF/native/";
    /** The CPUs a transport library may be built for, as Netty names them; listed when this one has none. */
    private static final List<String> KNOWN_ARCHS = List.of("x86_64", "aarch_64", "riscv64", "ppcle_64", "s390_64",
            "loongarch_64");

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
     *
     * <p>{@code System.load} is called from this class, so on JDK 22+ the restricted-method warning
     * names Pollen's own module ({@value #MODULE}) or, on the class path, the unnamed module:
     * {@code --enable-native-access=ALL-UNNAMED} (or {@code =}{@value #MODULE}) silences it.
     */
    public static void load(String baseName, Class<?> anchor) {
        String name = libraryName(baseName);
        try {
            load0(shadingPrefix(), baseName, anchor.getClassLoader());
        } catch (Throwable t) {
            UnsatisfiedLinkError e = new UnsatisfiedLinkError("could not load META-INF/native/"
                    + System.mapLibraryName(name) + " (os " + os() + ", arch " + PlatformDependent.normalizedArch()
                    + "): " + t.getMessage());
            e.initCause(t);
            throw e;
        }
        Errors.init();
        Contract.check(System.mapLibraryName(name), NativeSocket.contractConstants());
    }

    /**
     * From {@code java.library.path} if it is there, else extracted from the jar into
     * {@code io.netty.native.workdir} (or the temp directory) as {@code lib<name><random>.so},
     * the shape from which the library's JNI_OnLoad reads the shading prefix.
     */
    private static void load0(String prefix, String baseName, ClassLoader loader) throws IOException {
        String name = prefix + libraryName(baseName);
        UnsatisfiedLinkError fromPath;
        try {
            System.loadLibrary(name);
            return;
        } catch (UnsatisfiedLinkError e) {
            fromPath = e;
        }
        String fileName = System.mapLibraryName(name);
        URL url = resource(loader, fileName);
        if (url == null) {
            List<String> cpus = new ArrayList<>();
            for (String arch : KNOWN_ARCHS) {
                if (resource(loader, System.mapLibraryName(prefix + baseName + '_' + arch)) != null) {
                    cpus.add(arch);
                }
            }
            throw new FileNotFoundException("neither in the jar nor on java.library.path; the jar has "
                    + (cpus.isEmpty() ? "no library of this transport" : "libraries for " + String.join(", ", cpus)
                    + " only") + " (" + fromPath.getMessage() + ")");
        }
        int dot = fileName.lastIndexOf('.');
        Path dir = workdir();
        Files.createDirectories(dir);
        Path copy = Files.createTempFile(dir, fileName.substring(0, dot), fileName.substring(dot));
        boolean loaded = false;
        try {
            try (InputStream in = url.openStream()) {
                Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
            }
            System.load(copy.toString());
            loaded = true;
        } finally {
            if (!loaded || SystemPropertyUtil.getBoolean("io.netty.native.deleteLibAfterLoading", true)) {
                // A loaded library stays mapped after its file is gone, except on Windows.
                if (!Files.deleteIfExists(copy) || loaded && os().equals("windows")) {
                    copy.toFile().deleteOnExit();
                }
            }
        }
    }

    private static URL resource(ClassLoader loader, String fileName) {
        return loader == null ? ClassLoader.getSystemResource(NATIVE_HOME + fileName)
                : loader.getResource(NATIVE_HOME + fileName);
    }

    private static Path workdir() {
        String dir = SystemPropertyUtil.get("io.netty.native.workdir");
        return Paths.get(dir != null ? dir : System.getProperty("java.io.tmpdir"));
    }

    /**
     * What a shading tool put before {@code dev.pollen} (with {@code _} for {@code .}, as JNI
     * mangles it); Netty must be relocated under the same prefix, since the natives name its classes.
     */
    static String shadingPrefix() {
        String self = NativeLibrary.class.getName();
        String expected = "dev!pollen!channel!core!NativeLibrary".replace('!', '.');
        String netty = PlatformDependent.class.getName();
        String nettyExpected = "io!netty!util!internal!PlatformDependent".replace('!', '.');
        String prefix = self.substring(0, self.length() - expected.length());
        if (!self.endsWith(expected) || !netty.equals(prefix + nettyExpected)) {
            throw new UnsatisfiedLinkError("shading: relocate dev.pollen and io.netty under the same package prefix"
                    + " (found " + self + " and " + netty + ")");
        }
        return prefix.replace("_", "_1").replace('.', '_');
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
