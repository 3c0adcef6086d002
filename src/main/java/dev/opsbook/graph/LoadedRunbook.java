package dev.opsbook.graph;

import dev.opsbook.runbook.Diagnostic;
import dev.opsbook.runbook.Runbook;
import java.util.List;

/** A runbook read and checked: what validate reports and what the engine accepts to run. */
public record LoadedRunbook(Runbook runbook, StepGraph graph, List<Diagnostic> diagnostics) {

    public LoadedRunbook {
        diagnostics = List.copyOf(diagnostics);
    }

    public boolean hasErrors() {
        return diagnostics.stream().anyMatch(Diagnostic::isError);
    }

    public List<Diagnostic> errors() {
        return diagnostics.stream().filter(Diagnostic::isError).toList();
    }
}
