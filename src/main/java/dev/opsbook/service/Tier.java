package dev.opsbook.service;

import dev.opsbook.graph.LoadedRunbook;
import dev.opsbook.runbook.Escalation;
import dev.opsbook.runbook.EscalationTier;
import dev.opsbook.steps.Notifier;
import java.time.Duration;
import java.util.List;

/** One tier of a runbook's escalation as the engine uses it: how long after the tier before, and whom it tells. */
record Tier(Duration after, Notifier.Target target) {

    /** The runbook's tiers, in order, a shared path's resolved; none when it has no {@code escalation:}. */
    static List<Tier> of(LoadedRunbook loaded) {
        return loaded.escalation().map(Escalation::tiers).orElse(List.of()).stream().map(Tier::of).toList();
    }

    static Tier of(EscalationTier tier) {
        return new Tier(tier.after(), target(tier));
    }

    static Notifier.Target target(EscalationTier tier) {
        return new Notifier.Target(tier.sns(), tier.webhook(), tier.pagerduty(), tier.email());
    }
}
