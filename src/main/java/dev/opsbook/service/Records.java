package dev.opsbook.service;

import dev.opsbook.engine.RunEvent;
import dev.opsbook.engine.RunResult;
import dev.opsbook.graph.LoadedRunbook;
import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.record.MarkdownRecord;
import dev.opsbook.store.RunStore;
import dev.opsbook.store.StoredRun;
import java.util.List;
import java.util.Optional;

/** A stored run's record, rendered from the runbook text it ran and its events. */
public final class Records {

    private Records() {
    }

    public static Optional<String> render(RunStore store, RunbookLoader loader, String runId) {
        Optional<StoredRun> run = store.run(runId);
        if (run.isEmpty()) {
            return Optional.empty();
        }
        LoadedRunbook loaded = loader.load(run.get().runbookFile(), store.runbookText(runId).orElse(""));
        List<RunEvent> events = store.events(runId);
        return Optional.of(MarkdownRecord.render(RunResult.of(loaded.runbook(), events)));
    }
}
