package dev.opsbook.bench;

import dev.opsbook.engine.RunStatus;
import dev.opsbook.service.Capacity;
import dev.opsbook.service.Service;
import dev.opsbook.store.EventOutcome;
import dev.opsbook.store.JdbcRunStore;
import dev.opsbook.store.ReceivedEvent;
import dev.opsbook.store.RunStore;
import dev.opsbook.store.StoredRun;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Row 4: event-triggered runs per second of a three-step runbook, sustained: N events sent at
 * once, timed from the first send to the last run's end (from the store), with H2 (one instance)
 * and PostgreSQL (one instance; two instances on one queue and one database, each with its own
 * store and pool as two processes would). Events reach each instance's intake as the channel
 * hands them ({@link ServiceRig.Feed}), so the row measures the engine and the store, not SQS.
 * Exactly once is checked: one run per event, no more.
 */
public final class ThroughputBenchmark implements Benchmark {

    static final String RUNBOOK = """
            ---
            title: Throughput probe
            owner: bench
            description: Three quick steps per bench event.
            parameters:
              n: { type: integer }
            triggers:
              - pattern: { source: [opsbook.bench], detail-type: [Throughput Probe] }
                parameters: { n: detail.n }
            ---

            ```assert id=one
            that: "params.n >= `0`"
            ```

            ```assert id=two needs=one
            that: "steps.one.status == 'succeeded'"
            ```

            ```assert id=three needs=two
            that: "steps.two.status == 'succeeded'"
            ```
            """;

    /** Each instance as serve runs it by default: its --max-runs and the store pool serve sizes to it. */
    private static final int MAX_RUNS = Integer.getInteger("bench.max-runs", Capacity.DEFAULT_MAX_RUNS); // //why: to compare settings
    private static final int CONNECTIONS = Capacity.storeConnections(MAX_RUNS);

    /** {@code runsPerSecond}: the runs and their records, all written; {@code runsAlone}: to the last run's end. */
    private record Result(double runsPerSecond, double runsAlone, boolean exactlyOnce, String detail) {
    }

    @Override
    public String name() {
        return "throughput";
    }

    @Override
    public List<Row> run(boolean smoke) throws Exception {
        // //why: sustained, so measured once the JIT has compiled the run's path: after 100 runs a run cost twice the JVM CPU it costs after 1,000
        int warmup = smoke ? 5 : 1000;
        int events = smoke ? 20 : 4000;
        List<Row> rows = new ArrayList<>();
        Path dir = Files.createTempDirectory("opsbook-bench-throughput");
        try {
            Path runbooks = ServiceRig.runbooks(dir, "throughput", RUNBOOK);
            Result h2 = measure(dir.resolve("h2"), runbooks, () -> JdbcRunStore.open(JdbcRunStore.embeddedUrl(dir.resolve("h2").resolve("store")),
                    "", "", CONNECTIONS), 1, warmup, events);
            rows.add(row("H2, 1 instance", h2, "", "", true));
            try (EmbeddedPostgres postgres = EmbeddedPostgres.start()) {
                Result one = measure(dir.resolve("pg1"), runbooks, postgresStore(postgres, "bench_one"), 1, warmup, events);
                rows.add(row("PostgreSQL, 1 instance", one, String.format("%.0f (H2 × 1)", h2.runsPerSecond()),
                        String.format("%.2f×", one.runsPerSecond() / h2.runsPerSecond()), true));
                Result two = measure(dir.resolve("pg2"), runbooks, postgresStore(postgres, "bench_two"), 2, warmup, events);
                double ratio = two.runsPerSecond() / one.runsPerSecond();
                rows.add(row("PostgreSQL, 2 instances", two, String.format("%.0f (PostgreSQL × 1)", one.runsPerSecond()),
                        String.format("%.2f× (2 vs 1)", ratio), ratio > 1.0));
            }
        } finally {
            ServiceRig.delete(dir);
        }
        return rows;
    }

    private static Row row(String setup, Result result, String baseline, String ratio, boolean scaled) {
        boolean onePostgres = setup.equals("PostgreSQL, 1 instance");
        boolean fastEnough = !onePostgres || result.runsPerSecond() >= TARGET_RUNS_PER_SECOND;
        String target = onePostgres ? "≥ " + TARGET_RUNS_PER_SECOND + " runs/s, exactly once"
                : baseline.contains("PostgreSQL") ? "exactly once; 2 instances faster than 1" : "exactly once";
        return new Row("4 Sustained throughput", "runs/s with their records, " + setup,
                String.format("%.0f (runs alone %.0f)", result.runsPerSecond(), result.runsAlone()),
                baseline.isEmpty() ? "—" : baseline, ratio.isEmpty() ? "—" : ratio, target,
                result.exactlyOnce() && scaled && fastEnough, (fastEnough ? "" : WHERE_THE_TIME_GOES + " ") + result.detail());
    }

    private static final int TARGET_RUNS_PER_SECOND = 400;

    /** Measured 2026-12-04 (bench/README.md): CPU a run by process, pg_stat_statements (about 44 statements a run with its record). */
    private static final String WHERE_THE_TIME_GOES = "Missed: the engine, the record writer and PostgreSQL share two cores, and the "
            + "rate is about two cores over the CPU a run costs with its record (below): about half of it opsbook's JVM and half "
            + "PostgreSQL's, for its event's claim and settle, its start, one transaction a step, its derived rows at its stop, and "
            + "its record, read from the store together with those of the other runs that stopped meanwhile, rendered and written "
            + "with its trail file. Embedded PostgreSQL runs with synchronous_commit=off (zonky's default): no commit waits for a "
            + "WAL flush here.";

    /** A store per instance on one PostgreSQL schema, as two processes would have. */
    private static Supplier<RunStore> postgresStore(EmbeddedPostgres postgres, String schema) throws Exception {
        try (Connection connection = postgres.getPostgresDatabase().getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA " + schema);
        }
        String url = "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres?currentSchema=" + schema;
        return () -> JdbcRunStore.open(url, "postgres", "", CONNECTIONS);
    }

    private static Result measure(Path dir, Path runbooks, Supplier<RunStore> stores, int instances, int warmup, int events) throws Exception {
        Files.createDirectories(dir);
        List<RunStore> opened = new ArrayList<>();
        List<Service> services = new ArrayList<>();
        try {
            for (int i = 0; i < instances; i++) {
                RunStore store = stores.get();
                opened.add(store);
                services.add(ServiceRig.service(dir, runbooks, store, MAX_RUNS));
            }
            RunStore store = opened.get(0);
            try (ServiceRig.Feed feed = new ServiceRig.Feed(services, MAX_RUNS)) {
                feed.sendAll(bodies("warm-", warmup));
                ServiceRig.eventually("the warm-up runs", 120_000, 200, () -> done(store, warmup));
                ServiceRig.eventually("the warm-up runs' records", 120_000, 200, () -> store.unexported(1).isEmpty());
                Instant start = Instant.now();
                java.util.Optional<long[]> cpuBefore = cpu();
                feed.sendAll(bodies("tp-", events));
                ServiceRig.eventually(events + " runs succeeded", 600_000, 200, () -> done(store, warmup + events));
                java.util.Optional<long[]> cpuAfter = cpu();
                Instant runsDone = Instant.now();
                // //why: serve writes every run's record (its --record-dir, "records" by default) behind the runs; a rate
                // that leaves them piling up is not sustained, so the row waits for the last one too
                ServiceRig.eventually(events + " records written", 600_000, 100, () -> store.unexported(1).isEmpty());
                Instant recordsDone = Instant.now();
                java.util.Optional<long[]> cpuRecorded = cpu();
                String cpu = cpuBefore.isPresent() && cpuAfter.isPresent() ? String.format("; CPU a run %.1f ms, of which opsbook's JVM %.1f "
                        + "(the rest the database and the machine), %.1f ms with its record", (cpuAfter.get()[0] - cpuBefore.get()[0]) * 10.0 / events /* clock ticks of 10 ms */,
                        (cpuAfter.get()[1] - cpuBefore.get()[1]) * 10.0 / events, (cpuRecorded.get()[0] - cpuBefore.get()[0]) * 10.0 / events) : "";
                Thread.sleep(500); // a late duplicate would show up by now
                List<StoredRun> runs = ServiceRig.runs(store, "throughput", "tp-");
                Instant end = runs.stream().map(r -> r.endedAt().orElseThrow()).max(Instant::compareTo).orElseThrow();
                double seconds = Duration.between(start, end).toNanos() / 1e9;
                double recorded = Duration.between(start, recordsDone).toNanos() / 1e9;
                double lag = Duration.between(runsDone, recordsDone).toNanos() / 1e9;
                long distinct = runs.stream().map(r -> r.eventId().orElseThrow()).distinct().count();
                long succeeded = runs.stream().filter(r -> r.status() == RunStatus.SUCCEEDED).count();
                long started = store.receivedEvents(0).stream().filter(e -> e.eventId().startsWith("tp-"))
                        .filter(e -> e.outcome() == EventOutcome.STARTED).map(ReceivedEvent::eventId).distinct().count();
                boolean exactlyOnce = runs.size() == events && distinct == events && started == events;
                return new Result(events / recorded, events / seconds, exactlyOnce, String.format("%d events → %d runs (%d distinct events, %d succeeded, %d events "
                        + "recorded as started) in %.2f s, their records all written %.2f s after the last run ended (%.2f s in all): %s; --max-runs " + MAX_RUNS + " and " + CONNECTIONS + " store connections per instance, "
                        + "3 assert steps each; events handed to each instance's intake as the channel does (" + MAX_RUNS + " takers per instance, "
                        + "one shared in-process queue), without SQS round trips; after " + warmup + " warm-up runs%s", events, runs.size(), distinct,
                        succeeded, started, seconds, lag, recorded, exactlyOnce ? "exactly once held" : "exactly once BROKEN", cpu));
            }
        } finally {
            services.forEach(Service::close);
            opened.forEach(RunStore::close);
        }
    }

    /**
     * Whether {@code total} runs have ended, from the store's counts. //why: listing the runs at every poll read them all,
     * work on the cores the instances measured use
     */
    private static boolean done(RunStore store, int total) {
        long ended = 0;
        for (RunStatus status : RunStatus.values()) {
            if (status != RunStatus.RUNNING) {
                ended += store.countRuns(status);
            }
        }
        return ended >= total && store.countRuns(RunStatus.RUNNING) == 0;
    }

    /** CPU time used so far, in clock ticks: {all processes, this JVM}; empty where /proc cannot be read. */
    private static java.util.Optional<long[]> cpu() {
        try {
            String[] all = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0;
            for (int i : new int[] {1, 2, 3, 6, 7}) { // user, nice, system, irq, softirq
                busy += Long.parseLong(all[i]);
            }
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] self = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return java.util.Optional.of(new long[] {busy, Long.parseLong(self[11]) + Long.parseLong(self[12])});
        } catch (java.io.IOException | RuntimeException e) {
            return java.util.Optional.empty();
        }
    }

    private static List<String> bodies(String prefix, int count) {
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            bodies.add(ServiceRig.event(prefix + i, "Throughput Probe", "{\"n\":" + i + "}"));
        }
        return bodies;
    }
}
