package dev.opsbook.store;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The running runs whose derived rows are pending ({@link EventAppends}), and when each was last appended to: a run
 * quiet for {@link #QUIET_NANOS} (a long step, a slow call) has them written by a thread of the store's own, so a
 * search finds what the run printed before it went quiet. Started at the first run with rows pending.
 */
final class QuietRuns implements AutoCloseable {

    static final long QUIET_NANOS = 1_000_000_000L;

    private final Consumer<String> derive;
    private final Map<String, Long> lastAppended = new ConcurrentHashMap<>();
    private volatile ScheduledExecutorService thread;

    /** {@code derive} writes a run's pending rows. */
    QuietRuns(Consumer<String> derive) {
        this.derive = derive;
    }

    /** A run was appended to, leaving derived rows pending or not. */
    void appended(String runId, boolean pending) {
        if (!pending) {
            lastAppended.remove(runId);
            return;
        }
        lastAppended.put(runId, System.nanoTime());
        if (thread == null) { // //why: read without the lock, so a step's append takes no monitor once the thread runs
            start();
        }
    }

    private synchronized void start() {
        if (thread == null) {
            thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread t = new Thread(runnable, "opsbook-quiet-runs");
                t.setDaemon(true); // //why: a CLI run ends when its run does; what is pending is written by the run's next append
                return t;
            });
            thread.scheduleWithFixedDelay(this::deriveQuiet, QUIET_NANOS / 4, QUIET_NANOS / 4, TimeUnit.NANOSECONDS);
        }
    }

    /** Writes the pending rows of every run quiet for long enough; a run that fails to is tried again at its next append. */
    void deriveQuiet() {
        long now = System.nanoTime();
        for (Map.Entry<String, Long> run : lastAppended.entrySet()) {
            if (now - run.getValue() >= QUIET_NANOS && lastAppended.remove(run.getKey(), run.getValue())) {
                try {
                    derive.accept(run.getKey());
                } catch (RuntimeException e) {
                    // //why: the rows stay pending in the store (derived_seq); the run's next append or stop writes them
                }
            }
        }
    }

    @Override
    public synchronized void close() {
        if (thread != null) {
            thread.shutdownNow();
        }
    }
}
