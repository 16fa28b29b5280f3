package dev.pollen.channel.wepoll;

import dev.pollen.channel.core.NativeLibrary;
import dev.pollen.channel.core.PollerBackend;
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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WepollLoadingTest {
    private static final boolean LINUX = "linux".equals(NativeLibrary.os());
    private static final String LIBRARY = NativeLibrary.libraryName(Wepoll.LIBRARY);

    @Test
    void loadsWithTheCapabilitiesOfTheAfdPoller() {
        assertTrue(Wepoll.isAvailable(), String.valueOf(Wepoll.unavailabilityCause()));
        assertNull(Wepoll.unavailabilityCause());
        assertEquals(LINUX, Wepoll.isEmulated());
        // Level-triggered, one-shot, read-closed, urgent data; never edge, never nanosecond waits: on the test
        // build as on Windows.
        assertEquals(PollerBackend.CAP_LEVEL | PollerBackend.CAP_ONESHOT | PollerBackend.CAP_READ_CLOSED
                | PollerBackend.CAP_PRIORITY, Wepoll.capabilities());
        assertEquals("wepoll", WepollNative.INSTANCE.name());
        assertEquals("AFD_POLL_RECEIVE|AFD_POLL_SEND", WepollNative.INSTANCE.nativeInterestNames(3));
    }

    @Test
    void linuxTestLibraryLivesInTestClassesOnly() throws Exception {
        String resource = "META-INF/native/" + System.mapLibraryName(LIBRARY);
        URL url = getClass().getClassLoader().getResource(resource);
        assertNotNull(url, resource + " is not on the test class path");
        if (!LINUX) {
            return;
        }
        assertTrue(url.toString().contains("target/test-classes"), "found elsewhere: " + url);
        try (InputStream in = url.openStream()) {
            assertEquals(0x7f, in.read(), "not an ELF shared object");
        }
        Path target = Paths.get(url.toURI()).getParent().getParent().getParent().getParent();
        assertTrue(Files.notExists(target.resolve("classes").resolve(resource)), "the test build leaked into classes");
    }

    /**
     * With mingw-w64 installed the build cross-compiles the Windows DLL into the main classes (and so the jar);
     * the build's profile says so with -Dpollen.wepoll.dll=true.
     */
    @Test
    void windowsDllIsInTheMainClassesWhenCrossCompiled() throws Exception {
        if (!Boolean.getBoolean("pollen.wepoll.dll")) {
            return; // nothing was cross-compiled: the jar carries no DLL
        }
        String dll = "META-INF/native/" + LIBRARY + ".dll";
        URL url = getClass().getClassLoader().getResource(dll);
        assertNotNull(url, dll + " was not built");
        assertTrue(url.toString().contains("target/classes"), "found elsewhere: " + url);
        try (InputStream in = url.openStream()) {
            assertEquals('M', in.read());
            assertEquals('Z', in.read(), "not a PE image");
        }
    }

    @Test
    void withoutThePropertyLinuxSaysWepollNeedsWindows() throws Exception {
        Map<String, String> out = runMain(false);
        if (!LINUX) {
            assertEquals("true", out.get("available"), out.toString());
            return;
        }
        assertEquals("false", out.get("available"), out.toString());
        String why = "Pollen wepoll needs Windows; this is Linux (use Pollen's epoll transport)";
        assertEquals("java.lang.UnsupportedOperationException: " + why, out.get("cause"));
        assertEquals("java.lang.UnsatisfiedLinkError: Pollen wepoll transport unavailable: " + why, out.get("ensure"));
        assertEquals("java.lang.UnsatisfiedLinkError", out.get("channel"));
        assertNull(out.get("loop"));
    }

    @Test
    void withThePropertyItLoadsInAFreshJvm() throws Exception {
        Map<String, String> out = runMain(true);
        assertEquals("true", out.get("available"), out.toString());
        assertEquals("", out.get("cause"));
        assertEquals("ok", out.get("ensure"));
        assertEquals("ok", out.get("channel"));
        assertEquals("42", out.get("loop"));
    }

    private static Map<String, String> runMain(boolean emulation) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        if (emulation) {
            cmd.add("-D" + Wepoll.EMULATION_PROPERTY + "=true");
        }
        cmd.add(WepollLoadingMain.class.getName());
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
        return out;
    }
}
