package dev.pollen.channel.kqueue;

import dev.pollen.testsupport.TransportTestSupport;
import dev.pollen.channel.core.NativeLibrary;
import dev.pollen.channel.core.PollerBackend;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KQueueLoadingTest {
    private static final boolean LINUX = "linux".equals(NativeLibrary.os());

    private static String resourceForThisCpu() {
        return "META-INF/native/" + System.mapLibraryName(NativeLibrary.libraryName(KQueue.LIBRARY));
    }

    @Test
    void loadsAndItsLoopsWork() throws Exception {
        assertTrue(KQueue.isAvailable(), String.valueOf(KQueue.unavailabilityCause()));
        assertNull(KQueue.unavailabilityCause());
        KQueue.ensureAvailability();
        assertEquals(LINUX, KQueue.isEmulated());
        int caps = KQueue.capabilities();
        int expected = PollerBackend.CAP_LEVEL | PollerBackend.CAP_READ_CLOSED | PollerBackend.CAP_NANO_TIMEOUT;
        assertEquals(expected, caps);
        assertTrue(KQueue.isNanosecondTimeoutSupported());
        assertEquals("kqueue", KQueueNative.INSTANCE.name());
        assertEquals("EVFILT_READ|EVFILT_WRITE", KQueueNative.INSTANCE.nativeInterestNames(3));
        EventLoopGroup group = TransportTestSupport.newGroup(new KQueueTransport(), 2);
        try {
            assertEquals(42, (int) group.next().submit(() -> 42).get(10, TimeUnit.SECONDS));
        } finally {
            TransportTestSupport.shutdown(group);
        }
    }

    @Test
    void linuxTestLibraryLivesInTestClassesOnly() throws Exception {
        URL url = getClass().getClassLoader().getResource(resourceForThisCpu());
        assertNotNull(url, resourceForThisCpu() + " is not on the test class path");
        if (!LINUX) {
            assertTrue(url.toString().contains("target/classes"), "found elsewhere: " + url);
            return;
        }
        assertTrue(url.toString().contains("target/test-classes"), "found elsewhere: " + url);
        try (InputStream in = url.openStream()) {
            assertEquals(0x7f, in.read(), "not an ELF shared object");
        }
        // Never in the main classes or the main jar: the Linux build is a test build over the emulation.
        Path target = Paths.get(url.toURI()).getParent().getParent().getParent().getParent();
        assertTrue(Files.notExists(target.resolve("classes").resolve(resourceForThisCpu())));
        try (Stream<Path> files = Files.list(target)) {
            for (Path jar : (Iterable<Path>) files.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith("pollen-transport-native-kqueue-") && n.endsWith(".jar")
                        && !n.endsWith("-sources.jar") && !n.endsWith("-tests.jar");
            })::iterator) {
                try (JarFile jf = new JarFile(jar.toFile())) {
                    assertNull(jf.getEntry(resourceForThisCpu()), jar + " must not carry " + resourceForThisCpu());
                }
            }
        }
    }

    @Test
    void withoutTheEmulationPropertyLinuxSaysKQueueNeedsMacOsOrFreeBsd() throws Exception {
        Map<String, String> out = runMain(false);
        if (!LINUX) {
            assertEquals("true", out.get("available"), out.toString());
            return;
        }
        assertEquals("false", out.get("available"), out.toString());
        assertEquals("java.lang.UnsupportedOperationException: Pollen kqueue needs macOS or FreeBSD; this is Linux"
                + " (use Pollen's epoll transport)", out.get("cause"));
        assertEquals("java.lang.UnsatisfiedLinkError: Pollen kqueue transport unavailable: Pollen kqueue needs macOS"
                + " or FreeBSD; this is Linux (use Pollen's epoll transport)", out.get("ensure"));
        assertEquals("java.lang.UnsatisfiedLinkError", out.get("factory"));
        assertNull(out.get("loop"));
    }

    @Test
    void withTheEmulationPropertyItLoadsInAFreshJvm() throws Exception {
        Map<String, String> out = runMain(true);
        assertEquals("true", out.get("available"), out.toString());
        assertEquals("", out.get("cause"));
        assertEquals("ok", out.get("ensure"));
        assertEquals("ok", out.get("factory"));
        assertEquals("42", out.get("loop"));
    }

    private static Map<String, String> runMain(boolean emulation) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        if (emulation) {
            cmd.add("-D" + KQueue.EMULATION_PROPERTY + "=true");
        }
        cmd.add(KQueueLoadingMain.class.getName());
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), text);
        Map<String, String> out = new HashMap<>();
        for (String line : text.split("\n")) {
            int i = line.indexOf('=');
            if (i > 0) {
                out.put(line.substring(0, i), line.substring(i + 1));
            }
        }
        assertNotEquals(0, out.size(), text);
        return out;
    }
}
