package dev.opsbook.engine;

import dev.opsbook.runbook.Runbook;
import java.util.List;

/** A finished run: its final state and the events that led there, in order. */
public record RunResult(Runbook runbook, RunState state, List<RunEvent> events, Redactor redactor) {

    public RunResult {
        events = List.copyOf(events);
    }
}
