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
 * at waiting runs); the runs are started beside it the way its launcher starts them (a new Engine,
 * a StoringListener, Interaction.NOBODY, on a pool of 8 threads) rather than through the queue, so
 * ten thousand park in seconds. Then used heap after GC and live threads, against the same
 * before parking.
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

    @Override
    public String name() {
        return "waiting-runs";
    }

    @Override
    public List<Row> run(boolean smoke) throws Exception {
        int count = smoke ? 50 : 10_000;
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
                long start = System.nanoTime();
                park(store, runbook, executors, pool, "park-", count, dir);
                double seconds = (System.nanoTime() - start) / 1e9;
                long waiting = store.runs(new RunQuery(Optional.of("waiting"), Optional.of(RunStatus.WAITING), Optional.empty(), 0)).size();
                Thread.sleep(1500); // the service's ticks look at the waiting runs meanwhile
                long heapAfter = usedAfterGc(memory);
                int threadsAfter = threads.getThreadCount();
                int peak = threads.getPeakThreadCount();
                long mb = 1024 * 1024;
                boolean heapMet = heapAfter < 512 * mb;
                // the oldest waiting run, answered as `opsbook approve` does: does the service take it up?
                String oldest = store.runs(new RunQuery(Optional.of("waiting"), Optional.of(RunStatus.WAITING), Optional.empty(), 0))
                        .stream().min(java.util.Comparator.comparing(dev.opsbook.store.StoredRun::startedAt)).orElseThrow().id();
                Approvals.answer(store, ServiceRig.loader(), oldest, "allow", true, "bench", "", "opsbook approve", Clock.systemUTC());
                boolean resumed;
                try {
                    ServiceRig.eventually("the answered run resumed", 5_000, 100,
                            () -> store.run(oldest).orElseThrow().status() != RunStatus.WAITING);
                    resumed = true;
                } catch (IllegalStateException e) {
                    resumed = false;
                }
                boolean threadsMet = threadsAfter - threadsBefore < 50;
                String how = String.format("%d runs parked in %.1f s (%.0f/s) beside a running service, started as its launcher does (Engine + "
                        + "StoringListener + Interaction.NOBODY, 8 threads), not through the queue; %d waiting in the store (with the warm-up's); H2. "
                        + "The oldest waiting run, once answered, %s", count, seconds, count / seconds, waiting,
                        resumed ? "resumed within 5 s" : "was NOT resumed within 5 s");
                return List.of(
                        new Row("5 Waiting runs", "used heap after GC, MB (" + count + " waiting)", String.valueOf(heapAfter / mb),
                                heapBefore / mb + " (before parking)", "+" + (heapAfter - heapBefore) / mb + " MB", "heap < 512 MB", heapMet, how),
                        new Row("5 Waiting runs", "live threads (" + count + " waiting)", String.valueOf(threadsAfter),
                                threadsBefore + " (before parking)", "+" + (threadsAfter - threadsBefore) + " (peak " + peak + ")",
                                "no thread per waiting run", threadsMet, "threads counted 1.5 s after the last run parked"));
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

    private static long usedAfterGc(MemoryMXBean memory) throws InterruptedException {
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
