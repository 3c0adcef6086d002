package dev.opsbook.bench;

import dev.opsbook.stats.Stats;
import dev.opsbook.stats.StatsQuery;
import dev.opsbook.store.JdbcRunStore;
import dev.opsbook.store.RunStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * The dashboards' figures ({@code GET /api/stats}) on a store of 100,000 runs spread over 90 days, each with five
 * executions (three steps, an approval, a manual step; one in twelve fails): the last 30 days overall, one runbook, and
 * the whole 90 days, each timed many times (p50, p95) on H2 and on PostgreSQL. Target: under 300 ms. Whole days' figures are
 * kept by the first request (V22); the timed ones read the kept days and the range's partial first and last day.
 *
 * <p>The store is filled with batched inserts of the same rows the store's write path leaves (runs with their V18 timing
 * columns, step_facts), not through the engine: 100,000 runs through the engine would take the hour this measures nothing of.
 */
final class StatsBenchmark implements Benchmark {

    private static final int STEPS = 5;
    private static final String[] RUNBOOKS = {"restart-web", "rotate-keys", "scale-out", "failover-db", "clear-cache", "renew-certs",
        "drain-node", "purge-queue"};

    @Override
    public String name() {
        return "stats";
    }

    @Override
    public List<Row> run(boolean smoke) throws Exception {
        int runs = smoke ? 400 : 100_000;
        int reps = smoke ? 3 : 30;
        Path work = Files.createTempDirectory("opsbook-bench-stats");
        List<Row> rows = new ArrayList<>();
        String h2 = JdbcRunStore.embeddedUrl(work.resolve("h2"));
        rows.addAll(measure("H2", h2, "sa", "", runs, reps));
        if (smoke) {
            rows.add(new Row("9 Stats", "PostgreSQL", "n/a", "n/a", "n/a", "< 300 ms", true, "skipped in smoke mode (RunStatsContract covers it)"));
            return rows;
        }
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().setDataDirectory(work.resolve("pg")).setCleanDataDirectory(true).start()) {
            rows.addAll(measure("PostgreSQL", "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres?reWriteBatchedInserts=true",
                    "postgres", "", runs, reps));
        }
        return rows;
    }

    private static List<Row> measure(String database, String url, String user, String password, int runs, int reps) throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        try (RunStore store = JdbcRunStore.open(url, user, password)) {
            long filling = System.nanoTime();
            fill(url, user, password, runs, now);
            if (url.startsWith("jdbc:postgresql:")) {
                try (Connection connection = DriverManager.getConnection(url, user, password); var statement = connection.createStatement()) {
                    statement.execute("VACUUM ANALYZE"); // what autovacuum does after a bulk load: statistics, and the visibility map index-only scans need
                }
            }
            double fillSeconds = (System.nanoTime() - filling) / 1e9;
            List<Row> rows = new ArrayList<>();
            record Case(String what, StatsQuery query) {
            }
            List<Case> cases = List.of(
                    new Case("last 30 days, all runbooks", new StatsQuery(Optional.empty(), now.minus(Duration.ofDays(30)), now, false)),
                    new Case("last 30 days, one runbook", new StatsQuery(Optional.of(RUNBOOKS[0]), now.minus(Duration.ofDays(30)), now, false)),
                    new Case("90 days, all runbooks", new StatsQuery(Optional.empty(), now.minus(Duration.ofDays(90)), now, false)));
            for (Case c : cases) {
                long first = System.nanoTime();
                Stats stats = store.stats().stats(c.query()); // the first request after the fill reads every day's facts and keeps them
                double firstMs = (System.nanoTime() - first) / 1e6;
                for (int i = 0; i < 2; i++) {
                    stats = store.stats().stats(c.query()); // warm-up
                }
                double[] ms = new double[reps];
                for (int i = 0; i < reps; i++) {
                    // //why: a different until each time (a millisecond apart), so H2's cache of a repeated query's result answers none of them
                    StatsQuery query = new StatsQuery(c.query().runbookId(), c.query().since(), c.query().until().plusMillis(i + 1), false);
                    long start = System.nanoTime();
                    store.stats().stats(query);
                    ms[i] = (System.nanoTime() - start) / 1e6;
                }
                Arrays.sort(ms);
                double p50 = Timing.median(ms);
                double p95 = ms[Math.min(reps - 1, (int) Math.ceil(reps * 0.95) - 1)];
                rows.add(new Row("9 Stats", database + ": " + c.what() + " (" + stats.runs() + " of " + runs + " runs), p50 / p95 ms",
                        Timing.fmt(p50) + " / " + Timing.fmt(p95), "n/a", "n/a", "< 300 ms", p95 < 300,
                        "GET /api/stats's queries (runs per day, three timings, failing steps, automate-next); filled in "
                                + Timing.fmt(fillSeconds) + " s by batched inserts; " + reps + " timed after 3 warm-ups, the first of which took "
                                + Timing.fmt(firstMs) + " ms (it reads the facts of days not kept yet)"));
            }
            return rows;
        }
    }

    /** Runs over the 90 days before {@code now}, as the store's write path leaves them. */
    private static void fill(String url, String user, String password, int runs, Instant now) throws Exception {
        Random random = new Random(17);
        try (Connection connection = DriverManager.getConnection(url, user, password)) {
            connection.setAutoCommit(false);
            try (PreparedStatement run = connection.prepareStatement("INSERT INTO runs (id, runbook_id, runbook_file, content_hash, runbook_text, "
                    + "status, trigger_kind, started_by, event_id, started_at, ended_at, message, waiting_for, last_seq, drill, started_day, "
                    + "event_ms, first_step_ms, resolution_ms, facts_version) VALUES (?, ?, ?, 'h', '# text', ?, ?, 'bench', ?, ?, ?, '', '', 12, ?, ?, ?, ?, ?, 1)");
                 PreparedStatement step = connection.prepareStatement("INSERT INTO step_facts (run_id, step_key, step_id, runbook_id, "
                    + "run_started_at, drill, kind, reached_at, reached_ms, done_at, person_ms, outcome, answered_by, answer, failures, last_failed_at) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (int i = 0; i < runs; i++) {
                    String id = "bench-" + i;
                    String runbook = RUNBOOKS[i % RUNBOOKS.length];
                    Instant started = now.minus(Duration.ofSeconds(1 + random.nextInt(90 * 86_400)));
                    boolean failed = random.nextInt(12) == 0;
                    boolean event = i % 3 == 0;
                    long resolution = 20_000 + random.nextInt(600_000);
                    run.setString(1, id);
                    run.setString(2, runbook);
                    run.setString(3, "runbooks/" + runbook + ".md");
                    run.setString(4, failed ? "FAILED" : "SUCCEEDED");
                    run.setString(5, event ? "event" : "cli");
                    run.setString(6, event ? "evt-" + i : null);
                    at(run, 7, (started));
                    at(run, 8, (started.plusMillis(resolution)));
                    run.setString(9, i % 50 == 0 ? "gd-bench" : null);
                    run.setObject(10, started.atOffset(ZoneOffset.UTC).toLocalDate());
                    setLong(run, 11, event ? started.toEpochMilli() - 40 : null);
                    setLong(run, 12, event ? (long) (60 + random.nextInt(400)) : null);
                    run.setLong(13, resolution);
                    run.addBatch();
                    for (int s = 0; s < STEPS; s++) {
                        String kind = s == 1 ? "approve" : s == 3 ? "manual" : null;
                        Instant reached = started.plusSeconds(2L * s);
                        long person = kind == null ? 0 : 30_000 + random.nextInt(900_000);
                        boolean stepFailed = failed && s == STEPS - 1;
                        step.setString(1, id);
                        step.setString(2, "step-" + s);
                        step.setString(3, "step-" + s);
                        step.setString(4, runbook);
                        at(step, 5, (started));
                        step.setString(6, i % 50 == 0 ? "gd-bench" : null);
                        step.setString(7, kind);
                        at(step, 8, (reached));
                        step.setLong(9, reached.toEpochMilli());
                        at(step, 10, kind == null ? null : (reached.plusMillis(person)));
                        setLong(step, 11, kind == null ? null : person);
                        step.setString(12, stepFailed ? "FAILED" : "SUCCEEDED");
                        step.setString(13, kind == null ? null : "oncall-" + random.nextInt(5));
                        step.setString(14, kind == null ? null : random.nextInt(50) == 0 ? "refused" : "confirmed");
                        step.setInt(15, stepFailed ? 1 : 0);
                        at(step, 16, stepFailed ? (reached.plusSeconds(1)) : null);
                        step.addBatch();
                    }
                    if (i % 1000 == 999 || i == runs - 1) {
                        run.executeBatch();
                        step.executeBatch();
                        connection.commit();
                    }
                }
            }
        }
    }

    private static void at(PreparedStatement statement, int index, Instant value) throws java.sql.SQLException {
        if (value == null) {
            statement.setNull(index, java.sql.Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            statement.setObject(index, value.atOffset(ZoneOffset.UTC));
        }
    }

    private static void setLong(PreparedStatement statement, int index, Long value) throws java.sql.SQLException {
        if (value == null) {
            statement.setNull(index, java.sql.Types.BIGINT);
        } else {
            statement.setLong(index, value);
        }
    }
}
