package dev.opsbook.bench;

import dev.opsbook.store.BulkRuns;
import dev.opsbook.store.JdbcRunStore;
import dev.opsbook.store.RunQuery;
import dev.opsbook.store.RunStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Full-text search over a store of 100,000 runs (H2 and PostgreSQL): the p50 and p95 of a page of runs (51, as
 * {@code GET /api/runs} reads them) for a few typical searches, against the same page listed without a search.
 * The store is filled with {@link BulkRuns} (the store's own SQL, batched); the fill is not timed.
 */
final class SearchBenchmark implements Benchmark {

    private static final double TARGET_MS = 300;
    private static final int RUNS = 100_000;
    private static final int PAGE = 51;

    /** A searched text, with the runbook it is narrowed to (if any): what people type after an incident. */
    private record Search(String text, Optional<String> runbook) {
    }

    private static final List<Search> SEARCHES = List.of(
            new Search("CHG-48213", Optional.empty()), // one run: its change ticket
            new Search("CrashLoopBackOff", Optional.empty()), // a tenth of the runs: an error in a step's output
            new Search("maria payments", Optional.empty()), // who acted, on what
            new Search("timeout eu-west-1", Optional.of("checkout-restart-0")), // an error, a region, one runbook
            new Search("kubectl", Optional.empty())); // every run: the worst case, all match

    @Override
    public String name() {
        return "search";
    }

    @Override
    public List<Row> run(boolean smoke) throws Exception {
        int runs = smoke ? 300 : RUNS;
        int reps = smoke ? 2 : 20;
        Path work = Files.createTempDirectory("opsbook-bench-search");
        EmbeddedPostgres postgres = null;
        List<Row> rows = new ArrayList<>();
        try {
            String h2 = JdbcRunStore.embeddedUrl(work.resolve("h2"));
            rows.add(measure("H2", h2, null, runs, reps));
            if (smoke) {
                rows.add(new Row("search", "PostgreSQL, " + runs + " runs", "n/a", "n/a", "n/a", "p95 < 300 ms", true,
                        "skipped in smoke mode: PostgreSQL's initdb alone takes seconds (PostgresStoreContractsTest covers search)"));
            } else {
                try {
                    postgres = EmbeddedPostgres.builder().setDataDirectory(work.resolve("pg")).setCleanDataDirectory(true).start();
                } catch (RuntimeException e) {
                    rows.add(new Row("search", "PostgreSQL", "n/a", "n/a", "n/a", "p95 < 300 ms", false,
                            "skipped: no embedded PostgreSQL here (" + e.getMessage() + ")"));
                }
                if (postgres != null) {
                    rows.add(measure("PostgreSQL", "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres", "postgres", runs, reps));
                }
            }
            return rows;
        } finally {
            if (postgres != null) {
                postgres.close();
            }
            try (var paths = Files.walk(work)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static Row measure(String database, String url, String user, int runs, int reps) {
        long filling = System.nanoTime();
        BulkRuns.fill(url, user, "", runs, Instant.parse("2026-11-30T00:00:00Z"));
        double fillSeconds = (System.nanoTime() - filling) / 1e9;
        try (RunStore store = JdbcRunStore.open(url, user, "")) {
            List<Double> searched = new ArrayList<>();
            List<Double> listed = new ArrayList<>();
            StringBuilder found = new StringBuilder();
            for (int rep = 0; rep < reps + 2; rep++) {
                boolean warm = rep >= 2; // the first two rounds warm the JIT and the database's caches
                for (Search search : SEARCHES) {
                    long t0 = System.nanoTime();
                    int n = store.runs(query(search.runbook(), Optional.of(search.text()))).size();
                    double ms = (System.nanoTime() - t0) / 1e6;
                    if (warm) {
                        searched.add(ms);
                    } else if (rep == 0) {
                        found.append(search.text()).append(": ").append(n == PAGE ? "a full page" : n + " runs").append("; ");
                    }
                    long t1 = System.nanoTime();
                    store.runs(query(search.runbook(), Optional.empty()));
                    if (warm) {
                        listed.add((System.nanoTime() - t1) / 1e6);
                    }
                }
            }
            double p50 = percentile(searched, 50);
            double p95 = percentile(searched, 95);
            double plain95 = percentile(listed, 95);
            return new Row("search", database + ", " + String.format("%,d", runs) + " runs: p50 / p95 of a page (ms)",
                    Timing.fmt(p50) + " / " + Timing.fmt(p95), Timing.fmt(plain95) + " (p95, the same page unsearched)",
                    Timing.ratio(p95 / plain95), "p95 < 300 ms", p95 < TARGET_MS,
                    SEARCHES.size() + " searches × " + reps + ": " + found + "fill " + Timing.fmt(fillSeconds) + " s (not timed)");
        }
    }

    private static RunQuery query(Optional<String> runbook, Optional<String> search) {
        return new RunQuery(runbook, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), 0, PAGE, Optional.empty(),
                Optional.empty(), search);
    }

    private static double percentile(List<Double> values, int p) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }
}
