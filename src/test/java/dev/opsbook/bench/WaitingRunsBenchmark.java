package dev.opsbook.bench;

import dev.opsbook.aws.AwsClients;
import dev.opsbook.aws.AwsSettings;
import dev.opsbook.engine.Engine;
import dev.opsbook.engine.Interaction;
import dev.opsbook.engine.RunIds;
import dev.opsbook.engine.RunRequest;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.engine.StepExecutors;
import dev.opsbook.graph.LoadedRunbook;
import dev.opsbook.service.Approvals;
import dev.opsbook.service.Service;
import dev.opsbook.service.StoringListener;
import dev.opsbook.steps.StandardSteps;
import dev.opsbook.store.JdbcRunStore;
import dev.opsbook.store.RunQuery;
import dev.opsbook.store.RunStore;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Row 5: runs parked on an approval. A service runs (H2 store, embedded queue, its ticks looking
 * at waiting runs, its escalator included); the runs are started beside it the way its launcher
 * starts them (a new Engine, a StoringListener, Interaction.NOBODY, on a pool of 8 threads) rather
 * than through the queue. In full mode the first {@link #REAL} park that way and the rest are
 * copies of one parked run's rows ({@code runs} and {@code run_events}, the ids replaced) written
 * by JDBC batches into the same store: //why: the run path parks about 1,000 runs a second here, so
 * 100,000 would take minutes, while what is measured (heap, threads, the resume of the oldest) is
 * the service's cost of runs that wait in the store, which is the same for a copy. Then used heap
 * after GC and live threads, against the same before parking, and how soon the oldest waiting runs, answered
 * one after another, were taken up (and finished) by the service.
 */
public final class WaitingRunsBenchmark implements Benchmark {

    static final String RUNBOOK = """
            ---
            title: Waits for a person
            owner: bench
            description: Its first step is an approval, so every run parks.
            parameters:
              n: { type: integer }
            triggers:
              - pattern: { source: [opsbook.bench], detail-type: [Needs Approval] }
                parameters: { n: detail.n }
            ---

            ```approve id=allow
            prompt: "Go ahead with {{ params.n }}?"
            ```

            ```shell id=act
            echo "acting on {{ params.n }}"
            ```
            """;

    /** How many runs park through the real run path in full mode; the rest are copies. */
    static final int REAL = 2_000;

    @Override
    public String name() {
        return "waiting-runs";
    }

    @Override
    public List<Row> run(boolean smoke) throws Exception {
        int count = smoke ? 50 : 100_000;
        int real = smoke ? 40 : REAL;
        Path dir = Files.createTempDirectory("opsbook-bench-waiting");
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (RunStore store = ServiceRig.h2(dir); Service service = ServiceRig.service(dir, ServiceRig.runbooks(dir, "waiting", RUNBOOK), store, 8);
             AwsClients clients = new AwsClients(new AwsSettings(Optional.of("us-east-1"), Optional.empty(), Optional.empty()))) {
            LoadedRunbook runbook = ServiceRig.loader().load(dir.resolve("runbooks/waiting.md"));
            StepExecutors executors = StandardSteps.with(clients);
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                park(store, runbook, executors, pool, "warm-", smoke ? 10 : 200, dir);
                long heapBefore = usedAfterGc(memory);
                int threadsBefore = threads.getThreadCount();
                String loadBefore = loadAverage();
                long start = System.nanoTime();
                park(store, runbook, executors, pool, "park-", real, dir);
                double realSeconds = (System.nanoTime() - start) / 1e9;
                copy(JdbcRunStore.embeddedUrl(dir.resolve("store")), store, "park-", real, count);
                double seconds = (System.nanoTime() - start) / 1e9;
                List<dev.opsbook.store.StoredRun> all = store.runs(new RunQuery(Optional.of("waiting"), Optional.of(RunStatus.WAITING), Optional.empty(), 0));
                long waiting = all.size();
                // the oldest waiting runs (the warm-up's, parked through the run path): the oldest first
                List<String> oldest = all.stream().sorted(java.util.Comparator.comparing(dev.opsbook.store.StoredRun::startedAt)
                        .thenComparing(dev.opsbook.store.StoredRun::id)).limit(smoke ? 1 : ANSWERED).map(dev.opsbook.store.StoredRun::id).toList();
                all = null;
                Thread.sleep(1500); // the service's ticks look at the waiting runs meanwhile
                long heapAfter = usedAfterGc(memory);
                int threadsAfter = threads.getThreadCount();
                int peak = threads.getPeakThreadCount();
                long mb = 1024 * 1024;
                boolean heapMet = heapAfter < 512 * mb;
                // each answered as `opsbook approve` does (another process, through the store): how soon does the service take it up?
                List<Double> takenUp = new ArrayList<>();
                List<Double> finished = new ArrayList<>();
                for (String id : oldest) {
                    Approvals.answer(store, ServiceRig.loader(), id, "allow", true, "bench", "", "opsbook approve", Clock.systemUTC());
                    long answered = System.nanoTime();
                    takenUp.add(until(store, id, answered, s -> s != RunStatus.WAITING));
                    finished.add(until(store, id, answered, s -> s == RunStatus.SUCCEEDED || s == RunStatus.FAILED));
                }
                String loadAfter = loadAverage();
                double worst = takenUp.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
                boolean threadsMet = threadsAfter - threadsBefore < 50;
                String how = String.format(java.util.Locale.ROOT, "%d runs parked in %.1f s beside a running service: %d started as its launcher does (Engine + "
                        + "StoringListener + Interaction.NOBODY, 8 threads) in %.1f s (%.0f runs/s), not through the queue, the rest copies of a parked "
                        + "run's rows written in JDBC batches; %d waiting in the store (with the warm-up's); H2. Load average %s before, %s after",
                        count, seconds, real, realSeconds, real / realSeconds, waiting, loadBefore, loadAfter);
                String resumes = String.format(java.util.Locale.ROOT, "the %d oldest waiting runs answered one after another, each through the store as "
                        + "`opsbook approve` does; taken up (its status no longer waiting) %s ms after its answer, finished (its shell step run) %s ms; "
                        + "the service looks for answered runs every 500 ms", oldest.size(), millis(takenUp), millis(finished));
                return List.of(
                        new Row("5 Waiting runs", "used heap after GC, MB (" + count + " waiting)", String.valueOf(heapAfter / mb),
                                heapBefore / mb + " (before parking)", "+" + (heapAfter - heapBefore) / mb + " MB", "heap < 512 MB", heapMet, how),
                        new Row("5 Waiting runs", "live threads (" + count + " waiting)", String.valueOf(threadsAfter),
                                threadsBefore + " (before parking)", "+" + (threadsAfter - threadsBefore) + " (peak " + peak + ")",
                                "no thread per waiting run", threadsMet, "threads counted 1.5 s after the last run parked"),
                        new Row("5 Waiting runs", "the oldest taken up after its answer, ms (" + count + " waiting)",
                                String.format(java.util.Locale.ROOT, "%.0f", takenUp.get(0)), "—",
                                String.format(java.util.Locale.ROOT, "worst of %d: %.0f ms", takenUp.size(), worst), "< 1 s",
                                worst < 1000, resumes));
            } finally {
                pool.shutdownNow();
            }
        } finally {
            ServiceRig.delete(dir);
        }
    }

    private static void park(RunStore store, LoadedRunbook runbook, StepExecutors executors, ExecutorService pool, String prefix, int count,
                             Path dir) throws Exception {
        Clock clock = Clock.systemUTC();
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int n = i;
            futures.add(pool.submit(() -> {
                StoringListener storing = StoringListener.forNewRun(store, runbook.runbook(), Optional.of(prefix + n), Optional.empty());
                RunRequest request = new RunRequest(runbook, Map.of("n", String.valueOf(n)), "event " + prefix + n, "event", Interaction.NOBODY,
                        Optional.empty(), dir);
                try (Engine engine = new Engine(executors, clock, RunIds.from(clock))) {
                    engine.run(request, storing);
                }
                return null;
            }));
        }
        for (Future<?> future : futures) {
            future.get();
        }
    }

    /** Copies of the first parked run {@code prefix + "0"}, as runs {@code prefix + real ...}, each its rows with its ids replaced. */
    private static void copy(String url, RunStore store, String prefix, int real, int count) throws Exception {
        String sample = store.runs(new RunQuery(Optional.of("waiting"), Optional.of(RunStatus.WAITING), Optional.empty(), 0)).stream()
                .filter(r -> r.eventId().equals(Optional.of(prefix + "0"))).findFirst().orElseThrow().id();
        try (java.sql.Connection connection = java.sql.DriverManager.getConnection(url, "", "")) {
            List<String> columns = new ArrayList<>();
            try (java.sql.ResultSet row = connection.createStatement().executeQuery("SELECT * FROM runs WHERE 1 = 0")) {
                for (int i = 1; i <= row.getMetaData().getColumnCount(); i++) {
                    columns.add(row.getMetaData().getColumnName(i).toLowerCase(java.util.Locale.ROOT));
                }
            }
            String values = String.join(", ", columns.stream().map(c -> c.equals("id") || c.equals("event_id") || c.equals("started_by") ? "?" : c).toList());
            connection.setAutoCommit(false);
            try (java.sql.PreparedStatement run = connection.prepareStatement("INSERT INTO runs (" + String.join(", ", columns) + ") SELECT "
                    + values + " FROM runs WHERE id = ?");
                 java.sql.PreparedStatement events = connection.prepareStatement("INSERT INTO run_events (run_id, seq, at, type, body)"
                         + " SELECT ?, seq, at, type, REPLACE(REPLACE(body, ?, ?), ?, ?) FROM run_events WHERE run_id = ?")) {
                for (int n = real; n < count; n++) {
                    String id = sample + "-" + n;
                    int i = 1;
                    for (String column : columns) {
                        if (column.equals("id")) {
                            run.setString(i++, id);
                        } else if (column.equals("event_id")) {
                            run.setString(i++, prefix + n);
                        } else if (column.equals("started_by")) {
                            run.setString(i++, "event " + prefix + n);
                        }
                    }
                    run.setString(i, sample);
                    run.addBatch();
                    events.setString(1, id);
                    events.setString(2, "\"" + sample + "\"");
                    events.setString(3, "\"" + id + "\"");
                    events.setString(4, prefix + "0\"");
                    events.setString(5, prefix + n + "\"");
                    events.setString(6, sample);
                    events.addBatch();
                    if ((n - real) % 1000 == 999 || n == count - 1) {
                        run.executeBatch();
                        events.executeBatch();
                        connection.commit();
                    }
                }
            }
        }
    }

    /** How many waiting runs are answered one after another, the oldest first. */
    static final int ANSWERED = 5;

    /** Milliseconds from {@code answered} until the run's status passes {@code test} (polled every 5 ms; NaN after 10 s). */
    private static double until(RunStore store, String runId, long answered, java.util.function.Predicate<RunStatus> test) throws InterruptedException {
        long deadline = answered + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (test.test(store.run(runId).orElseThrow().status())) {
                return (System.nanoTime() - answered) / 1e6;
            }
            Thread.sleep(5);
        }
        return Double.NaN;
    }

    private static String millis(List<Double> values) {
        return String.join(", ", values.stream().map(v -> v.isNaN() ? "not within 10 s" : String.format(java.util.Locale.ROOT, "%.0f", v)).toList());
    }

    static String loadAverage() {
        try {
            return String.join(" ", List.of(Files.readString(Path.of("/proc/loadavg")).split(" ")).subList(0, 3));
        } catch (java.io.IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static long usedAfterGc(MemoryMXBean memory) throws InterruptedException {
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
