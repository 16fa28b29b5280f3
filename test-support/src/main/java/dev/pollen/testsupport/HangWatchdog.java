package dev.pollen.testsupport;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Turns a hung test into a failed run within minutes: a test still running after
 * {@code pollen.test.hangSeconds} (default 300) gets every thread's stack, with locks, written to
 * the JVM's real standard error and to {@code target/pollen-hang-<pid>.txt}, and the JVM is halted
 * with status 3, which surefire reports as a crashed fork. JUnit's own timeouts cannot do this for
 * a test blocked in {@code syncUninterruptibly()}: they only interrupt.
 *
 * <p>Registered for every test JVM through {@code META-INF/services}; it watches tests, not
 * containers, and costs one sleeping daemon thread.
 */
public final class HangWatchdog implements TestExecutionListener {
    private static final long LIMIT_NANOS = TimeUnit.SECONDS.toNanos(Long.getLong("pollen.test.hangSeconds", 300));

    private final Map<String, Long> running = new ConcurrentHashMap<>();

    @Override
    public void testPlanExecutionStarted(TestPlan testPlan) {
        Thread t = new Thread(this::watch, "pollen-hang-watchdog");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void executionStarted(TestIdentifier id) {
        if (id.isTest()) {
            running.put(id.getUniqueId(), System.nanoTime());
        }
    }

    @Override
    public void executionFinished(TestIdentifier id, TestExecutionResult result) {
        running.remove(id.getUniqueId());
    }

    private void watch() {
        while (true) {
            try {
                Thread.sleep(5_000);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (Map.Entry<String, Long> e : running.entrySet()) {
                if (now - e.getValue() > LIMIT_NANOS) {
                    halt(e.getKey(), TimeUnit.NANOSECONDS.toSeconds(now - e.getValue()));
                }
            }
        }
    }

    private static void halt(String test, long seconds) {
        StringBuilder sb = new StringBuilder();
        sb.append("HUNG TEST: ").append(test).append(" has run for ").append(seconds)
          .append(" s (limit -Dpollen.test.hangSeconds=").append(TimeUnit.NANOSECONDS.toSeconds(LIMIT_NANOS))
          .append("); thread dump at ").append(Instant.now()).append(":\n");
        for (ThreadInfo info : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
            sb.append(describe(info));
        }
        String dump = sb.toString();
        // The real descriptor 2: surefire may have redirected System.err into a report file.
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        err.println(dump);
        err.flush();
        try {
            Path dir = Files.createDirectories(Paths.get("target"));
            Files.writeString(dir.resolve("pollen-hang-" + ProcessHandle.current().pid() + ".txt"), dump);
        } catch (IOException ignored) {
            // The dump is on standard error already.
        }
        Runtime.getRuntime().halt(3);
    }

    /** ThreadInfo.toString() stops after eight frames: every frame is wanted here. */
    private static String describe(ThreadInfo info) {
        StringBuilder sb = new StringBuilder();
        sb.append('"').append(info.getThreadName()).append("\" #").append(info.getThreadId())
          .append(info.isDaemon() ? " daemon" : "").append(' ').append(info.getThreadState());
        if (info.getLockName() != null) {
            sb.append(" on ").append(info.getLockName());
        }
        if (info.getLockOwnerName() != null) {
            sb.append(" owned by \"").append(info.getLockOwnerName()).append('"');
        }
        sb.append('\n');
        for (StackTraceElement frame : info.getStackTrace()) {
            sb.append("\tat ").append(frame).append('\n');
        }
        sb.append('\n');
        return sb.toString();
    }
}
