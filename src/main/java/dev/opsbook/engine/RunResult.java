package dev.opsbook.engine;

import dev.opsbook.runbook.Runbook;
import java.util.List;

/** A run as far as it went: its state, the events that led there, in order, and the redactor that shows it. */
public record RunResult(Runbook runbook, RunState state, List<RunEvent> events, Redactor redactor) {

    public RunResult {
        events = List.copyOf(events);
    }

    /**
     * A run from its stored history, with the run's own redactor: how every view of a stored run (a record, a page, the
     * API) gets one, so none shows a run without masking its secrets.
     */
    public static RunResult of(Runbook runbook, List<RunEvent> history) {
        return new RunResult(runbook, RunState.fold(history), history, Redactor.forRun(runbook, history));
    }
}
