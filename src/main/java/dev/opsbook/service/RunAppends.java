package dev.opsbook.service;

import dev.opsbook.engine.RunEvent;
import dev.opsbook.engine.RunTransitions;
import dev.opsbook.store.Lease;
import dev.opsbook.store.RunStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Appends the events a person or a request causes (an answer, a resolution, a cancel, a restart,
 * taking a run up, giving it up): only when the run's status takes them ({@link RunTransitions}).
 * The store enforces sequence and lease only; the engine's own events need no check here, its
 * scheduler decides only events its run takes.
 */
final class RunAppends {

    private RunAppends() {
    }

    /** Like {@link #checked(RunStore, String, List, RunEvent, Optional, Optional)}, with no lease held or handed on. */
    static List<RunEvent> checked(RunStore store, String runId, List<RunEvent> history, RunEvent event) {
        return checked(store, runId, history, event, Optional.empty(), Optional.empty());
    }

    /**
     * Appends {@code event} right after {@code history}, the run's events as the caller read them.
     *
     * @return the history with the event
     * @throws IllegalStateException when the status {@code history} folds to does not take the event
     *         ({@link RunTransitions#refusal}, nothing appended), or another event was appended after it
     */
    static List<RunEvent> checked(RunStore store, String runId, List<RunEvent> history, RunEvent event,
                                  Optional<String> holder, Optional<Lease> lease) {
        if (history.isEmpty()) {
            throw new IllegalArgumentException("no run " + runId);
        }
        // //why: checked against the status the history read folds to (the row's, at its last seq), and appended as the seq after
        // it: the store takes that seq from one writer only, so when another wrote in between, this one is refused for its seq
        // and no event is ever appended to a status it was not checked against
        RunTransitions.next(runId, RunTransitions.statusAfter(history), event);
        store.append(runId, history.size() + 1, event, holder, lease);
        List<RunEvent> after = new ArrayList<>(history);
        after.add(event);
        return after;
    }
}
