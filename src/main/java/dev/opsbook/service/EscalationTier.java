package dev.opsbook.service;

import dev.opsbook.graph.LoadedRunbook;
import dev.opsbook.steps.Notifier;
import java.time.Duration;
import java.util.List;

/** One tier of a runbook's escalation as the engine uses it: how long after the tier before, and whom it tells. */
record EscalationTier(Duration after, Notifier.Target target) {

    /** The runbook's tiers, in order; none when it has no {@code escalation:}. */
    static List<EscalationTier> of(LoadedRunbook loaded) {
        return loaded.runbook().escalation()
                .map(e -> List.of(new EscalationTier(Duration.ZERO, new Notifier.Target(e.sns(), e.webhook()))))
                .orElse(List.of());
    }
}
