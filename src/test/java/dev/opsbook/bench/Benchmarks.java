package dev.opsbook.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The benchmark runner ({@code bench/run}): runs every benchmark, prints the table and writes it
 * to {@code bench/results.md} with the machine and the commit. {@code --smoke} runs tiny sizes,
 * as the test suite does so the benchmarks cannot rot. {@code --only NAME} runs one.
 */
public final class Benchmarks {

    /** Every benchmark, in the order of the table. */
    static List<Benchmark> all() {
        return List.of(new ParseBenchmark(), new StepOverheadBenchmark(),
                new EventLatencyBenchmark(), new ThroughputBenchmark(), new WaitingRunsBenchmark(),
                new PeerBenchmark(), new CliStartupBenchmark(),
                new SseBenchmark(), new TestCasesBenchmark(),
                new SearchBenchmark(),
                new StatsBenchmark());
    }

    public static void main(String[] args) throws Exception {
        boolean smoke = List.of(args).contains("--smoke");
        String only = null;
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals("--only")) {
                only = args[i + 1];
            }
        }
        List<Row> rows = new ArrayList<>();
        for (Benchmark benchmark : all()) {
            if (only != null && !benchmark.name().equals(only)) {
                continue;
            }
            System.err.println("bench: " + benchmark.name() + (smoke ? " (smoke)" : "") + " ...");
            if (smoke) { // //why: in the test suite a benchmark that throws has rotted, and the smoke test must say so
                rows.addAll(benchmark.run(true));
                continue;
            }
            try {
                rows.addAll(benchmark.run(false));
            } catch (Exception | AssertionError e) { // //why: one row that cannot finish must not throw away the others' minutes
                System.err.println("bench: " + benchmark.name() + " failed: " + e);
                rows.add(failed(benchmark, e));
            }
            write(rows); // after each benchmark, so a run cut short keeps what it measured
        }
        System.out.println(table(rows));
        if (!smoke) {
            System.err.println("bench: written to " + RESULTS);
        }
    }

    private static final Path RESULTS = Path.of("bench/results.md");

    private static void write(List<Row> rows) throws java.io.IOException {
        Files.writeString(RESULTS, header() + "\n" + table(rows), StandardCharsets.UTF_8);
    }

    static Row failed(Benchmark benchmark, Throwable e) {
        String why = String.valueOf(e.getMessage()).lines().findFirst().orElse(e.getClass().getSimpleName());
        return new Row(benchmark.name(), "did not finish", "n/a", "n/a", "n/a", "n/a", false,
                "The benchmark stopped: " + e.getClass().getSimpleName() + ": " + why);
    }

    static String table(List<Row> rows) {
        StringBuilder out = new StringBuilder("| # | Benchmark | Measure | opsbook | Baseline | Ratio | Target | Met | Notes |\n")
                .append("| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
        for (Row row : rows) {
            out.append("| ").append(row.name().split(" ")[0]).append(" | ").append(row.name().replaceFirst("^\\d+ ", "")).append(" | ").append(row.measure())
                    .append(" | ").append(row.opsbook()).append(" | ").append(row.baseline()).append(" | ").append(row.ratio())
                    .append(" | ").append(row.target()).append(" | ").append(row.met() ? "yes" : "**no**").append(" | ")
                    .append(row.note().replace("|", "\\|").replace("\n", " ")).append(" |\n");
        }
        return out.toString();
    }

    static String header() {
        Runtime runtime = Runtime.getRuntime();
        return "Measured " + Instant.now() + " on " + runtime.availableProcessors() + " cores, "
                + (runtime.maxMemory() / (1024 * 1024)) + " MB max heap, Java " + System.getProperty("java.version")
                + " (" + System.getProperty("java.vm.name") + "), commit " + commit() + ".\n";
    }

    private static String commit() {
        try {
            Process git = new ProcessBuilder("git", "rev-parse", "--short", "HEAD").redirectErrorStream(true).start();
            return new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (Exception e) {
            return "unknown";
        }
    }

    private Benchmarks() {
    }
}
