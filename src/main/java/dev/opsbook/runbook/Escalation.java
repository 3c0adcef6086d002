package dev.opsbook.runbook;

import java.util.List;
import java.util.Optional;

/**
 * {@code escalation:} whom to tell, tier after tier, when a run needs people: one tier (a mapping), a list of
 * tiers, or the name of a shared path ({@code escalation-paths/NAME.yaml} beside the runbooks).
 *
 * @param path the shared path's name when the runbook names one; its tiers are empty until the loader resolves it
 *             ({@code graph.RunbookLoader})
 * @param tiers in the order they are told; each at least one channel
 */
public record Escalation(Optional<String> path, List<EscalationTier> tiers, Position position) {

    public Escalation {
        tiers = List.copyOf(tiers);
    }

    /** The first tier's SNS topic: what was the whole escalation before tiers. */
    public Optional<String> sns() {
        return first().flatMap(EscalationTier::sns);
    }

    /** The first tier's webhook. */
    public Optional<String> webhook() {
        return first().flatMap(EscalationTier::webhook);
    }

    public Optional<EscalationTier> first() {
        return tiers.isEmpty() ? Optional.empty() : Optional.of(tiers.get(0));
    }
}
