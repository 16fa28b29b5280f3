package dev.pollen.channel.epoll;

import dev.pollen.channel.core.NativeLibrary;
import dev.pollen.channel.core.PollerBackend;
import dev.pollen.testsupport.TransportTestSupport;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.util.internal.PlatformDependent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EpollLoadingTest {
    private static final String RESOURCE = "META-INF/native/libpollen_transport_native_epoll_x86_64.so";

    private static String resourceForThisCpu() {
        return "META-INF/native/" + System.mapLibraryName(NativeLibrary.libraryName(Epoll.LIBRARY));
    }

    @Test
    void libraryIsPackagedUnderMetaInfNative() throws Exception {
        if ("x86_64".equals(PlatformDependent.normalizedArch())) {
            assertEquals(RESOURCE, resourceForThisCpu());
        }
        URL url = getClass().getClassLoader().getResource(resourceForThisCpu());
        assertNotNull(url, resourceForThisCpu() + " is not on the test class path");
        assertTrue(url.toString().contains("target/classes"), "found elsewhere: " + url);
        try (InputStream in = url.openStream()) {
            byte[] magic = in.readNBytes(4);
            assertArrayEquals(new byte[] {0x7f, 'E', 'L', 'F'}, magic, "not an ELF shared object");
        }
        // When the module's jars have been built: the plain jar holds every library built (this CPU's
        // among them), a linux-<arch> classifier jar exactly its own CPU's.
        Path target = Paths.get(url.toURI()).getParent().getParent().getParent().getParent();
        try (Stream<Path> files = Files.list(target)) {
            for (Path jar : (Iterable<Path>) files.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith("pollen-transport-native-epoll-") && n.endsWith(".jar")
                        && !n.endsWith("-sources.jar") && !n.endsWith("-tests.jar");
            })::iterator) {
                String name = jar.getFileName().toString();
                try (JarFile jf = new JarFile(jar.toFile())) {
                    List<String> libraries = jf.stream().map(e -> e.getName())
                            .filter(n -> n.startsWith("META-INF/native/") && n.endsWith(".so"))
                            .collect(Collectors.toList());
                    int classifier = name.indexOf("-linux-");
                    if (classifier < 0) {
                        assertTrue(libraries.contains(resourceForThisCpu()), jar + " lacks " + resourceForThisCpu());
                    } else {
                        String arch = name.substring(classifier + "-linux-".length(), name.length() - ".jar".length());
                        assertEquals(List.of("META-INF/native/libpollen_transport_native_epoll_" + arch + ".so"),
                                libraries, jar + " holds other CPUs' libraries");
                    }
                }
            }
        }
    }

    @Test
    void transportLoadsAndItsLoopsWork() throws Exception {
        assertTrue(Epoll.isAvailable(), String.valueOf(Epoll.unavailabilityCause()));
        assertNull(Epoll.unavailabilityCause());
        Epoll.ensureAvailability();
        int caps = Epoll.capabilities();
        assertNotEquals(0, caps & PollerBackend.CAP_LEVEL, "epoll is level-triggered");
        assertNotEquals(0, caps & PollerBackend.CAP_READ_CLOSED, "epoll reports EPOLLRDHUP");
        assertEquals((caps & PollerBackend.CAP_NANO_TIMEOUT) != 0, Epoll.isNanosecondTimeoutSupported());

        EventLoopGroup group = TransportTestSupport.newGroup(new EpollTransport(), 2);
        try {
            assertEquals(Integer.valueOf(7), group.next().submit(() -> 7).get(10, TimeUnit.SECONDS));
            Channel server = TransportTestSupport.echoServer(new EpollTransport(), group);
            TransportTestSupport.Collector collector = new TransportTestSupport.Collector(5);
            Channel client = new io.netty.bootstrap.Bootstrap().group(group).channel(EpollSocketChannel.class)
                    .handler(collector).connect(server.localAddress()).sync().channel();
            client.writeAndFlush(Unpooled.copiedBuffer("hello", StandardCharsets.US_ASCII)).sync();
            assertEquals("hello", new String(collector.done.get(10, TimeUnit.SECONDS), StandardCharsets.US_ASCII));
            client.close().sync();
            server.close().sync();
        } finally {
            TransportTestSupport.shutdown(group);
        }
    }

    /** Runs {@link EpollLoadingMain} in a new JVM and returns its key=value lines. */
    private static Map<String, String> runFreshJvm(String classPath, String... jvmArgs) throws Exception {
        List<String> cmd = new ArrayList<>();
        // pollen.test.java: the launcher of this JVM's kind when java.home's cannot run directly (the
        // arm64 JVM under qemu, see native-build/qemu-aarch64/bin/java).
        cmd.add(System.getProperty("pollen.test.java", Paths.get(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-Xshare:auto");
        for (String a : jvmArgs) {
            cmd.add(a);
        }
        cmd.add("-cp");
        cmd.add(classPath);
        cmd.add(EpollLoadingMain.class.getName());
        Map<String, String> result = ChildProcess.run(cmd);
        assertEquals("0", result.get("_exit"), "child JVM failed:\n" + result.get("_output"));
        return result;
    }

    @Test
    void freshJvmExtractsTheLibraryIntoTheWorkdir(@TempDir Path workdir) throws Exception {
        Map<String, String> r = runFreshJvm(System.getProperty("java.class.path"),
                "-Dio.netty.native.workdir=" + workdir, "-Dio.netty.native.deleteLibAfterLoading=false");
        String out = r.get("_output");
        assertEquals("true", r.get("available"), out);
        assertEquals("", r.get("cause"), out);
        assertEquals("ok", r.get("ensure"), out);
        assertEquals("42", r.get("loop"), out);
        String mapped = r.get("mapped");
        assertNotNull(mapped, "library not mapped in the child:\n" + out);
        assertTrue(mapped.startsWith(workdir.toRealPath().toString() + File.separator)
                        || mapped.startsWith(workdir + File.separator),
                "library loaded from " + mapped + ", not from " + workdir);
        String base = "lib" + NativeLibrary.libraryName(Epoll.LIBRARY);
        boolean extracted = false;
        for (String name : r.get("workdir").split(",")) {
            extracted |= name.startsWith(base) && name.endsWith(".so");
        }
        assertTrue(extracted, "workdir held: " + r.get("workdir"));
    }

    @Test
    void nativeAccessWarningNamesPollenAndTheReadmeFlagSilencesIt(@TempDir Path workdir) throws Exception {
        String warning = "WARNING: A restricted method";
        Map<String, String> plain = runFreshJvm(System.getProperty("java.class.path"),
                "-Dio.netty.native.workdir=" + workdir);
        String out = plain.get("_output");
        assertEquals("42", plain.get("loop"), out);
        if (Runtime.version().feature() >= 22) {
            // JDK 22+ warns once, naming the caller of System.load: Pollen's loader, not Netty's.
            assertTrue(out.contains(warning), out);
            assertTrue(out.contains(NativeLibrary.class.getName()), out);
            assertFalse(out.contains("NativeLibraryUtil"), out);
        } else {
            assertFalse(out.contains(warning), out);
        }
        Map<String, String> quiet = runFreshJvm(System.getProperty("java.class.path"),
                "--enable-native-access=ALL-UNNAMED", "-Dio.netty.native.workdir=" + workdir);
        assertEquals("42", quiet.get("loop"), quiet.get("_output"));
        assertFalse(quiet.get("_output").contains("WARNING"), quiet.get("_output"));
    }

    @Test
    void freshJvmDeletesTheExtractedCopyByDefault(@TempDir Path workdir) throws Exception {
        Map<String, String> r = runFreshJvm(System.getProperty("java.class.path"),
                "-Dio.netty.native.workdir=" + workdir);
        String out = r.get("_output");
        assertEquals("true", r.get("available"), out);
        assertEquals("42", r.get("loop"), out);
        String mapped = r.get("mapped");
        assertNotNull(mapped, out);
        assertTrue(mapped.contains(workdir.getFileName().toString()), "loaded from " + mapped);
        assertEquals("", r.get("workdir"), "the extracted library was left behind");
    }

    @Test
    void freshJvmWithoutTheLibraryReportsWhy(@TempDir Path dir) throws Exception {
        // The module's classes with a library for another CPU only (a placeholder file: it is never
        // loaded): class initialisation must not throw, and the cause names what the jar does have.
        Path classes = Paths.get(Epoll.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path copy = dir.resolve("classes");
        copyTree(classes.resolve("dev"), copy.resolve("dev"));
        String otherCpu = "x86_64".equals(PlatformDependent.normalizedArch()) ? "riscv64" : "x86_64";
        Files.createDirectories(copy.resolve("META-INF/native"));
        Files.write(copy.resolve("META-INF/native/libpollen_transport_native_epoll_" + otherCpu + ".so"), new byte[0]);
        List<String> cp = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (entry.isEmpty()) {
                continue;
            }
            cp.add(Paths.get(entry).toAbsolutePath().normalize().equals(classes.toAbsolutePath().normalize())
                    ? copy.toString() : entry);
        }
        assertTrue(cp.contains(copy.toString()), "module classes not found on " + cp);
        Map<String, String> r = runFreshJvm(String.join(File.pathSeparator, cp),
                "-Dio.netty.native.workdir=" + dir);
        String out = r.get("_output");
        assertEquals("false", r.get("available"), out);
        String cause = r.get("cause");
        assertTrue(cause.startsWith(UnsatisfiedLinkError.class.getName()), cause);
        assertTrue(cause.contains(RESOURCE.replace("x86_64", PlatformDependent.normalizedArch())), cause);
        assertTrue(cause.contains("os linux"), cause);
        assertTrue(cause.contains("the jar has libraries for " + otherCpu + " only"), cause);
        String ensure = r.get("ensure");
        assertTrue(ensure.startsWith(UnsatisfiedLinkError.class.getName() + ": Pollen epoll transport unavailable"),
                ensure);
        assertFalse(r.containsKey("loop"));
        assertFalse(r.containsKey("mapped"), "a library was mapped although none was packaged");
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path dest = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest);
                }
            }
        }
    }
}
