package dev.opsbook.incident;

import dev.opsbook.engine.RunEvent;
import dev.opsbook.runbook.Runbook;
import dev.opsbook.store.Escalations;
import dev.opsbook.store.StoredRun;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One run of an incident as the store keeps it: its row, its history (oldest event first, masked as stored), the runbook as
 * it ran (to tell people's steps apart), the escalation tiers told and who acknowledged, and the comments people left.
 */
public record RunTrail(StoredRun run, List<RunEvent> history, Optional<Runbook> runbook, List<Escalations.Notice> told,
                       List<Escalations.Acknowledgement> acknowledged, List<Comment> comments) {

    public RunTrail {
        history = List.copyOf(history);
        told = List.copyOf(told);
        acknowledged = List.copyOf(acknowledged);
        comments = List.copyOf(comments);
    }

    /** A comment on the run, or on one of its steps ({@code step}). */
    public record Comment(Instant at, String by, Optional<String> step, String text) {
    }
}
