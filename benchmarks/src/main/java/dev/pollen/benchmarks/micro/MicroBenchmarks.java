package dev.pollen.benchmarks.micro;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs the microbenchmarks of this package with JMH in one go and prints a side-by-side table:
 * Pollen, the baseline (Netty epoll; the JDK's Selector for the poller API), and their ratio (below 1 =
 * Pollen is faster).
 *
 * <pre>
 * java -cp ... dev.pollen.benchmarks.micro.MicroBenchmarks [--quick] [--forks N] [--warmup N]
 *     [--iterations N] [--time MS] [--include REGEX] [--param NAME=V1,V2..] [--table FILE]
 * </pre>
 * {@code --quick} proves that every benchmark runs and passes its checks (1 fork, one 100 ms warm-up
 * and one 200 ms measured iteration each); its figures mean nothing. The default is 1 fork, 3
 * warm-up and 5 measured iterations of 1 s. Any failing benchmark makes the exit status non-zero.
 */
public final class MicroBenchmarks {
    private MicroBenchmarks() {
    }

    public static void main(String[] args) throws IOException {
        boolean quick = false;
        int forks = 1;
        int warmup = 3;
        int iterations = 5;
        long timeMs = 1000;
        String include = MicroBenchmarks.class.getPackageName() + "\\..*Benchmark\\..*";
        Path tableFile = null;
        Map<String, String[]> params = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick":
                    quick = true;
                    break;
                case "--forks":
                    forks = Integer.parseInt(args[++i]);
                    break;
                case "--warmup":
                    warmup = Integer.parseInt(args[++i]);
                    break;
                case "--iterations":
                    iterations = Integer.parseInt(args[++i]);
                    break;
                case "--time":
                    timeMs = Long.parseLong(args[++i]);
                    break;
                case "--include":
                    include = args[++i];
                    break;
                case "--table":
                    tableFile = Path.of(args[++i]);
                    break;
                case "--param": {
                    String kv = args[++i];
                    int eq = kv.indexOf('=');
                    if (eq <= 0) {
                        System.err.println("MicroBenchmarks: --param NAME=V1,V2..., not " + kv);
                        System.exit(2);
                    }
                    params.put(kv.substring(0, eq), kv.substring(eq + 1).split(","));
                    break;
                }
                default:
                    System.err.println("MicroBenchmarks: unknown option " + args[i]);
                    System.exit(2);
            }
        }
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(include)
                .shouldFailOnError(true)
                .jvmArgs("-Xms256m", "-Xmx256m", "-XX:+UseParallelGC");
        params.forEach(options::param);
        if (quick) {
            options.forks(1).warmupIterations(1).warmupTime(TimeValue.milliseconds(100))
                    .measurementIterations(1).measurementTime(TimeValue.milliseconds(200))
                    .verbosity(VerboseMode.SILENT);
        } else {
            options.forks(forks).warmupIterations(warmup).warmupTime(TimeValue.milliseconds(timeMs))
                    .measurementIterations(iterations).measurementTime(TimeValue.milliseconds(timeMs));
        }
        Collection<RunResult> results;
        try {
            results = new Runner(options.build()).run();
        } catch (RunnerException e) {
            System.err.println("MicroBenchmarks: FAILED: " + e.getMessage());
            e.printStackTrace();
            System.exit(1);
            return;
        }
        List<String> problems = new ArrayList<>();
        String table = table(results, quick, problems);
        System.out.println();
        System.out.print(table);
        if (tableFile != null) {
            Files.writeString(tableFile, table, StandardCharsets.UTF_8);
        }
        if (results.isEmpty()) {
            problems.add("no benchmark matched " + include);
        }
        if (!problems.isEmpty()) {
            for (String p : problems) {
                System.err.println("MicroBenchmarks: " + p);
            }
            System.exit(1);
        }
        System.err.println("MicroBenchmarks: " + results.size() + " benchmarks ran" + (quick ? " (quick: figures not meaningful)" : ""));
    }

    /** One row: a benchmark and its parameters but the implementation. */
    private static final class Row {
        final String what;
        final String param;
        final double divisor;
        final Map<String, Result<?>> byImpl = new TreeMap<>();

        Row(String what, String param, double divisor) {
            this.what = what;
            this.param = param;
            this.divisor = divisor;
        }
    }

    static String table(Collection<RunResult> results, boolean quick, List<String> problems) {
        Map<String, Row> rows = new LinkedHashMap<>();
        List<RunResult> sorted = new ArrayList<>(results);
        sorted.sort(RunResult.DEFAULT_SORT_COMPARATOR);
        for (RunResult r : sorted) {
            BenchmarkParams p = r.getParams();
            String bench = p.getBenchmark();
            String simple = bench.substring(bench.lastIndexOf('.', bench.lastIndexOf('.') - 1) + 1);
            String what;
            String param;
            double divisor = 1;
            switch (simple) {
                case "DispatchBenchmark.dispatch":
                    what = "none".equals(p.getParam("poll"))
                            ? "dispatch of ready events, Java side only (per event)"
                            : "epoll_wait(0) + dispatch of ready events (per event)";
                    param = p.getParam("events") + " ready";
                    divisor = Integer.parseInt(p.getParam("events"));
                    break;
                case "IovArrayBenchmark.fillIovArray":
                    what = "iovec array filled from a ChannelOutboundBuffer (per fill)";
                    param = p.getParam("buffers") + " x " + p.getParam("bytes") + " B";
                    break;
                case "SocketIoBenchmark.sendAndReceive":
                    what = "send + recv through JNI, loopback TCP (per pair)";
                    param = p.getParam("size") + " B";
                    break;
                case "PollerBenchmark.waitAndWalk":
                    what = "Poller.pollNow + forEachReady vs Selector.selectNow + selected keys (per ready descriptor)";
                    param = p.getParam("events") + " ready";
                    divisor = Integer.parseInt(p.getParam("events"));
                    break;
                case "WakeupBenchmark.roundTrip":
                    what = "cross-thread wakeup of a blocked loop (round trip)";
                    param = "";
                    break;
                default:
                    what = simple;
                    StringBuilder sb = new StringBuilder();
                    for (String k : p.getParamsKeys()) {
                        if (!"impl".equals(k)) {
                            sb.append(sb.length() == 0 ? "" : ", ").append(k).append('=').append(p.getParam(k));
                        }
                    }
                    param = sb.toString();
            }
            String impl = p.getParam("impl");
            Row row = rows.get(what + '\0' + param);
            if (row == null) {
                row = new Row(what, param, divisor);
                rows.put(what + '\0' + param, row);
            }
            row.byImpl.put(impl == null ? "-" : impl, r.getPrimaryResult());
        }
        // Rows of one benchmark together, in the order met, each group by its numeric case.
        List<Row> ordered = new ArrayList<>(rows.values());
        List<String> groups = new ArrayList<>();
        for (Row row : ordered) {
            if (!groups.contains(row.what)) {
                groups.add(row.what);
            }
        }
        ordered.sort(Comparator.<Row>comparingInt(row -> groups.indexOf(row.what))
                .thenComparingLong(row -> leadingNumber(row.param)));
        StringBuilder out = new StringBuilder();
        out.append(quick ? "Quick run: figures not meaningful.\n\n" : "");
        out.append("| benchmark | case | Pollen | baseline | Pollen / baseline |\n");
        out.append("|---|---|---|---|---|\n");
        for (Row row : ordered) {
            Result<?> pollen = row.byImpl.get("pollen");
            // The baseline: Netty epoll, or the JDK's Selector for the poller API.
            Result<?> netty = row.byImpl.containsKey("selector") ? row.byImpl.get("selector") : row.byImpl.get("netty");
            if (pollen == null || netty == null) {
                problems.add("missing result for " + row.what + " " + row.param + ": " + row.byImpl.keySet());
            }
            out.append("| ").append(row.what).append(" | ").append(row.param).append(" | ")
               .append(format(pollen, row.divisor)).append(" | ").append(format(netty, row.divisor)).append(" | ");
            if (pollen != null && netty != null && netty.getScore() > 0) {
                out.append(String.format(Locale.ROOT, "%.2f", pollen.getScore() / netty.getScore()));
            } else {
                out.append('-');
            }
            out.append(" |\n");
        }
        return out.toString();
    }

    private static long leadingNumber(String s) {
        int end = 0;
        while (end < s.length() && Character.isDigit(s.charAt(end))) {
            end++;
        }
        return end == 0 ? 0 : Long.parseLong(s.substring(0, end));
    }

    /** Score (and its 99.9% error when there is one) per unit, in the result's own time unit. */
    private static String format(Result<?> r, double divisor) {
        if (r == null) {
            return "-";
        }
        String unit = r.getScoreUnit().replace("/op", "");
        double score = r.getScore() / divisor;
        double error = r.getScoreError() / divisor;
        String s = number(score);
        if (!Double.isNaN(error) && error > 0) {
            s += " ± " + number(error);
        }
        return s + " " + unit;
    }

    private static String number(double v) {
        return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }
}
