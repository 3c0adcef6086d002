package dev.opsbook.graph;

import dev.opsbook.runbook.Diagnostic;
import dev.opsbook.runbook.Escalation;
import dev.opsbook.runbook.Runbook;
import java.util.List;
import java.util.Optional;

/** A runbook read and checked: what validate reports and what the engine accepts to run. */
public record LoadedRunbook(Runbook runbook, StepGraph graph, List<Diagnostic> diagnostics) {

    public LoadedRunbook {
        diagnostics = List.copyOf(diagnostics);
    }

    public boolean hasErrors() {
        return diagnostics.stream().anyMatch(Diagnostic::isError);
    }

    /**
     * Whom to tell, tier by tier, when a run of it needs people. A shared path ({@code escalation: NAME}) comes with its
     * tiers read from {@code escalation-paths/NAME.yaml} when {@link RunbookLoader} read the runbook.
     */
    public Optional<Escalation> escalation() {
        return runbook.escalation();
    }

    public List<Diagnostic> errors() {
        return diagnostics.stream().filter(Diagnostic::isError).toList();
    }
}
