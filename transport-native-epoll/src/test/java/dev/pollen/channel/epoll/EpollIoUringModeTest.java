package dev.pollen.channel.epoll;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Epoll#IO_URING_PROPERTY} and where io_uring is refused, each case in a fresh JVM
 * ({@link EpollIoUringMain}), some under a seccomp filter (src/test/seccomp/seccomp_exec.c, built
 * here with the C compiler the module's build uses) that fails one io_uring system call as a
 * container's profile or kernel.io_uring_disabled does. Wherever the ring cannot be made, loops make
 * plain system calls and say why; where it is made but cannot be entered, the first batch fails,
 * the loop warns and goes on with plain calls, and no byte is lost or sent twice.
 */
class EpollIoUringModeTest {
    private static final String BATCH_FAILED = "Batched reads and writes failed; this loop makes them one by one from now on";
    private static Path launcher;

    @BeforeAll
    static void buildLauncher(@TempDir Path dir) throws Exception {
        launcher = dir.resolve("seccomp-exec");
        Map<String, String> r = ChildProcess.run(List.of("cc", "-O2", "-Wall", "-Werror", "-I", "src/test/c", "-o",
                launcher.toString(), "src/test/seccomp/seccomp_exec.c"));
        assertEquals("0", r.get("_exit"), r.get("_output"));
        assertTrue(r.get("_output").isEmpty(), r.get("_output"));
    }

    @Test
    void autoUsesIoUringExactlyWhereTheKernelAllowsIt() throws Exception {
        Map<String, String> r = child(null, null);
        assertEquals(String.valueOf(r.get("cause").isEmpty()), r.get("used"), r.get("_output"));
        assertEchoWhole(r);
        assertEquals(r.get("used").equals("true"), r.get("handler").contains("sendBatches="), r.get("_output"));
        // Where the kernel has IORING_OP_EPOLL_WAIT (6.15+), batches start the next wait.
        assertEquals(r.get("ringwait").equals("true"), r.get("handler").matches(".*batchWaits=[1-9].*"), r.get("_output"));
    }

    @Test
    void ioUringWaitFalseBatchesButWaitsThePlainWay() throws Exception {
        Map<String, String> r = child(null, null, "-D" + Epoll.IO_URING_WAIT_PROPERTY + "=false");
        assertEquals("false", r.get("ringwait"), r.get("_output"));
        assertEchoWhole(r);
        String handler = r.get("handler");
        if (r.get("used").equals("true")) {
            // The path of Linux 5.6-6.14: reads and writes batched, waits made with epoll_pwait.
            assertTrue(handler.matches(".*sendBatches=[1-9].*"), r.get("_output"));
            assertTrue(handler.contains("batchWaits=0,"), r.get("_output"));
        } else {
            assertFalse(handler.contains("sendBatches="), r.get("_output"));
        }
        Map<String, String> bad = child(null, null, "-D" + Epoll.IO_URING_WAIT_PROPERTY + "=sometimes");
        String refusal = "java.lang.IllegalArgumentException: -Dpollen.epoll.ioUringWait=sometimes (expected: true or false)";
        assertEquals(refusal, bad.get("ringwait"), bad.get("_output"));
        assertEquals(refusal, bad.get("loop"), bad.get("_output"));
    }

    @Test
    void falseMakesPlainCallsWhereIoUringCouldBeUsed() throws Exception {
        Map<String, String> r = child(null, "false");
        assertEquals("false", r.get("used"), r.get("_output"));
        assertEchoWhole(r);
        assertFalse(r.get("handler").contains("sendBatches="), r.get("_output"));
    }

    @Test
    void anUnknownModeIsRefusedByName() throws Exception {
        Map<String, String> r = child(null, "maybe");
        String refusal = "java.lang.IllegalArgumentException: -Dpollen.epoll.ioUring=maybe (expected: auto, true or false)";
        assertEquals(refusal, r.get("used"), r.get("_output"));
        assertEquals(refusal, r.get("loop"), r.get("_output"));
    }

    @Test
    void whereIoUringSetupIsRefusedLoopsMakePlainCallsAndSayWhy() throws Exception {
        assertPlainCalls("io_uring_setup", "EPERM", "io_uring_setup(..) failed: Operation not permitted");
        assertPlainCalls("io_uring_setup", "ENOSYS", "io_uring_setup(..) failed: Function not implemented");
    }

    @Test
    void whereTheProbeIsRefusedLoopsMakePlainCallsAndSayWhy() throws Exception {
        assertPlainCalls("io_uring_register", "EPERM", "io_uring_register(..) failed: Operation not permitted");
    }

    /** Under a filter refusing call with errno, before a ring is made: the cause named, no batch tried, echoes whole. */
    private static void assertPlainCalls(String call, String errno, String cause) throws Exception {
        Map<String, String> r = child(new String[] {call, errno}, null);
        assertEquals("false", r.get("used"), r.get("_output"));
        assertEquals(cause, r.get("cause"), r.get("_output"));
        assertEchoWhole(r);
        assertFalse(r.get("handler").contains("sendBatches="), r.get("_output"));
        assertFalse(r.get("_output").contains(BATCH_FAILED), r.get("_output"));
    }

    @Test
    void trueRefusesToMakeALoopWhereIoUringIsRefused() throws Exception {
        Map<String, String> r = child(new String[] {"io_uring_setup", "EPERM"}, "true");
        assertEquals("java.lang.IllegalStateException: -Dpollen.epoll.ioUring=true, but io_uring cannot be used here: "
                + "io_uring_setup(..) failed: Operation not permitted", r.get("loop"), r.get("_output"));
        assertFalse(r.containsKey("echo"), r.get("_output"));
    }

    @Test
    void whereEnteringTheRingIsRefusedTheLoopWarnsAndGoesOnWithPlainCalls() throws Exception {
        Map<String, String> r = child(new String[] {"io_uring_enter", "EPERM"}, null);
        // The ring is made and the probe passes: the refusal shows only when a batch enters it.
        assertEquals("true", r.get("used"), r.get("_output"));
        assertEquals("", r.get("cause"), r.get("_output"));
        assertEchoWhole(r);
        String out = r.get("_output");
        assertTrue(out.contains(BATCH_FAILED), out);
        assertTrue(out.contains("epoll_io_batch(..) failed: Operation not permitted"), out);
        assertEquals(out.indexOf(BATCH_FAILED), out.lastIndexOf(BATCH_FAILED), "warned more than once:\n" + out);
    }

    private static void assertEchoWhole(Map<String, String> r) {
        assertEquals("ok", r.get("loop"), r.get("_output"));
        assertEquals("whole", r.get("echo"), r.get("_output"));
        assertEquals("0", r.get("left"), r.get("_output"));
    }

    /**
     * EpollIoUringMain in a new JVM, under the launcher if refused names {system call, errno}, with
     * the mode if not null, and the given JVM arguments.
     */
    private static Map<String, String> child(String[] refused, String mode, String... jvmArgs) throws Exception {
        List<String> cmd = new ArrayList<>();
        if (refused != null) {
            cmd.add(launcher.toString());
            cmd.addAll(Arrays.asList(refused));
        }
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-Dio.netty.leakDetection.level=paranoid");
        if (mode != null) {
            cmd.add("-D" + Epoll.IO_URING_PROPERTY + "=" + mode);
        }
        cmd.addAll(Arrays.asList(jvmArgs));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(EpollIoUringMain.class.getName());
        Map<String, String> r = ChildProcess.run(cmd);
        assertEquals("0", r.get("_exit"), "child JVM failed:\n" + r.get("_output"));
        assertFalse(r.get("_output").contains("LEAK:"), r.get("_output"));
        return r;
    }
}
