package dev.opsbook.service;

import dev.opsbook.engine.RunEvent;
import dev.opsbook.store.RunStore;
import dev.opsbook.store.StoredRun;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * Takes up every waiting run a person answered (and every run a person resolved); the run's next
 * event claims it, so two services never both resume it.
 */
final class Resumptions {

    private final RunStore store;
    private final RunPool pool;
    private final Clock clock;
    private final String instance;

    Resumptions(Service.Leasing leasing, RunStore store, RunPool pool) {
        this.store = store;
        this.pool = pool;
        this.clock = leasing.clock();
        this.instance = leasing.instance();
    }

    void resumeAnswered() {
        // //why: the answered runs, not the newest waiting ones: with more than a page of runs waiting, an older one answered was never taken up
        for (StoredRun run : store.answeredRuns(100)) {
            if (pool.freeSlots() <= 0) {
                return;
            }
            List<RunEvent> events = store.events(run.id());
            if (!Approvals.resumable(events)) {
                continue;
            }
            // //why: the pool knows of the run before its lease is written, so the heartbeat never lets go of that lease
            // while the run starts (its runbook loading), which once left it to be taken over: two sessions on one run
            try (RunPool.Launch launch = pool.launching(run.id())) {
                Optional<List<RunEvent>> claimed = Approvals.claim(store, run.id(), events,
                        new RunEvent.RunResumed(clock.instant(), "opsbook serve (" + instance + ")"), Optional.of(pool.newLease()));
                if (claimed.isEmpty()) {
                    continue; // another process took it up
                }
                List<RunEvent> history = claimed.get();
                pool.goOn(run, history, history, request -> (engine, listeners, control) ->
                        engine.resume(request, history, "opsbook serve", listeners, control));
            }
        }
    }
}
