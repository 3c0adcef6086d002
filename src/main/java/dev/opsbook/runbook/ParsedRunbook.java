package dev.opsbook.runbook;

import java.util.List;

/** A runbook as far as it could be read, with every problem found on the way. */
public record ParsedRunbook(Runbook runbook, List<Diagnostic> diagnostics) {

    public ParsedRunbook {
        diagnostics = List.copyOf(diagnostics);
    }

    public boolean hasErrors() {
        return diagnostics.stream().anyMatch(Diagnostic::isError);
    }
}
