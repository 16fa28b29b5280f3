package dev.pollen.channel.epoll;

import dev.pollen.testsupport.TransportTestSupport;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/** A command a test runs to its end (a fresh JVM, a compiler), its output read as key=value lines. */
final class ChildProcess {
    private ChildProcess() {
    }

    /**
     * Runs cmd: its key=value lines (keys of lower-case letters), its whole output with standard
     * error (_output) and its exit value (_exit). One still running after twice the suite's
     * deadline is killed, and the test fails with what it printed.
     */
    static Map<String, String> run(List<String> cmd) throws Exception {
        Path out = Files.createTempFile("pollen-child", ".out");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(2 * TransportTestSupport.DEADLINE_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                fail(cmd + " hung; it printed:\n" + Files.readString(out, StandardCharsets.UTF_8));
            }
            String text = Files.readString(out, StandardCharsets.UTF_8);
            Map<String, String> result = new HashMap<>();
            for (String line : text.split("\n")) {
                int eq = line.indexOf('=');
                if (eq > 0 && line.substring(0, eq).matches("[a-z]+")) {
                    result.put(line.substring(0, eq), line.substring(eq + 1));
                }
            }
            result.put("_output", text);
            result.put("_exit", String.valueOf(p.exitValue()));
            return result;
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
