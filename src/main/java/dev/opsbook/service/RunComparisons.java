package dev.opsbook.service;

import dev.opsbook.engine.RunResult;
import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.record.RunComparison;
import dev.opsbook.store.RunQuery;
import dev.opsbook.store.RunStore;
import dev.opsbook.store.StoredRun;
import java.util.Optional;

/**
 * Two stored runs compared ({@link RunComparison}), each folded from its history with the runbook text it ran, as the
 * store keeps it; and which run of the same runbook came before a run. What {@code opsbook diff}, the API and the
 * comparison page read. Thread-safe.
 */
public final class RunComparisons {

    /** The comparison, or the first of the two runs the store does not have. */
    public sealed interface Outcome {
        record Compared(RunComparison comparison) implements Outcome {
        }

        record NoRun(String runId) implements Outcome {
        }
    }

    private final RunStore store;
    private final RunbookLoader loader;

    public RunComparisons(RunStore store, RunbookLoader loader) {
        this.store = store;
        this.loader = loader;
    }

    public Outcome compare(String runA, String runB) {
        Optional<RunResult> a = result(runA);
        if (a.isEmpty()) {
            return new Outcome.NoRun(runA);
        }
        Optional<RunResult> b = runB.equals(runA) ? a : result(runB);
        if (b.isEmpty()) {
            return new Outcome.NoRun(runB);
        }
        return new Outcome.Compared(RunComparison.of(a.get(), b.get()));
    }

    /** The run of the same runbook started last before this one, if any: what "compare with the previous run" compares with. */
    public Optional<String> previous(String runId) {
        return store.run(runId).flatMap(run -> store.runs(new RunQuery(Optional.of(run.runbookId()), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.of(run.startedAt()), 0, 1)).stream().findFirst().map(StoredRun::id));
    }

    /** Where runs are kept, for messages such as "no run X in ...". */
    public String describe() {
        return store.describe();
    }

    private Optional<RunResult> result(String runId) {
        return store.run(runId).map(run -> {
            String text = store.runbookText(runId).orElse("");
            return RunResult.of(loader.load(run.runbookFile(), text).runbook(), store.events(runId));
        });
    }
}
