package dev.opsbook.audit;

import dev.opsbook.engine.RunEvent;
import dev.opsbook.engine.RunListener;
import dev.opsbook.engine.RunState;
import dev.opsbook.runbook.Runbook;

/**
 * Writes a run's audit trail to a file as it happens ({@link AuditFacts} says what each entry
 * holds): the trail of a run without a store ({@code opsbook run --no-store}). A run in the store
 * keeps its chain there, written with each event.
 */
public final class AuditLog implements RunListener {

    private final AuditTrail trail;
    private final Runbook runbook;

    public AuditLog(AuditTrail trail, Runbook runbook) {
        this.trail = trail;
        this.runbook = runbook;
    }

    @Override
    public void on(RunEvent event, RunState state) {
        AuditFacts.of(event, state, runbook).ifPresent(fact -> trail.append(fact.at(), fact.type(), fact.data()));
    }
}
