package dev.opsbook.runbook;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A runbook as far as it could be read, with every problem found on the way.
 *
 * @param scans each step's expressions as the parser found them, by the step itself (identity), so the graph's checks read
 *              them without scanning every body again
 */
public record ParsedRunbook(Runbook runbook, List<Diagnostic> diagnostics, Map<Step, ExpressionSites.Scan> scans) {

    public ParsedRunbook {
        diagnostics = List.copyOf(diagnostics);
        scans = Collections.unmodifiableMap(new IdentityHashMap<>(scans));
    }

    public ParsedRunbook(Runbook runbook, List<Diagnostic> diagnostics) {
        this(runbook, diagnostics, Map.of());
    }

    public boolean hasErrors() {
        return diagnostics.stream().anyMatch(Diagnostic::isError);
    }

    /** The expressions of {@code step}: as scanned while parsing when it is this runbook's own step, else scanned now. */
    public ExpressionSites.Scan scan(Step step) {
        ExpressionSites.Scan scan = scans.get(step);
        return scan != null ? scan : ExpressionSites.of(step);
    }
}
