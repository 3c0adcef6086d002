package dev.opsbook.graph;

import dev.opsbook.runbook.Diagnostic;
import dev.opsbook.runbook.ParsedRunbook;
import dev.opsbook.runbook.Runbook;
import dev.opsbook.runbook.RunbookParser;
import dev.opsbook.runbook.StepKindCatalog;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads a runbook, builds its graph and runs every check: one entry point for validate, graph and run. */
public final class RunbookLoader {

    private final RunbookParser parser;
    private final List<RunbookCheck> checks;
    private final EscalationPaths escalationPaths;

    public RunbookLoader(StepKindCatalog catalog) {
        this(catalog, List.of());
    }

    /** @param checks run on every runbook after the parser's and the graph's own checks */
    public RunbookLoader(StepKindCatalog catalog, List<RunbookCheck> checks) {
        this(new RunbookParser(catalog), checks, new EscalationPaths(List.of()));
    }

    private RunbookLoader(RunbookParser parser, List<RunbookCheck> checks, EscalationPaths escalationPaths) {
        this.parser = parser;
        this.checks = List.copyOf(checks);
        this.escalationPaths = escalationPaths;
    }

    /**
     * This loader, finding a shared escalation path also in the {@code escalation-paths} folder of each of {@code folders}:
     * serve's runbook folders, for runbook text sent to it without a place on disk.
     */
    public RunbookLoader findingEscalationPathsIn(List<Path> folders) {
        return new RunbookLoader(parser, checks, new EscalationPaths(folders));
    }

    /** Where this loader finds shared escalation paths. */
    public EscalationPaths escalationPaths() {
        return escalationPaths;
    }

    public LoadedRunbook load(Path path) throws IOException {
        return check(parser.parse(path));
    }

    public LoadedRunbook load(String file, String text) {
        return check(parser.parse(file, text));
    }

    private LoadedRunbook check(ParsedRunbook parsed) {
        EscalationPaths.Resolved resolved = escalationPaths.resolve(parsed.runbook());
        Runbook runbook = resolved.runbook();
        StepGraph graph = StepGraph.of(runbook);
        List<Diagnostic> diagnostics = new ArrayList<>(parsed.diagnostics());
        diagnostics.addAll(resolved.diagnostics());
        diagnostics.addAll(GraphCheck.check(graph, parsed::scan));
        for (RunbookCheck check : checks) {
            diagnostics.addAll(check.check(runbook));
        }
        diagnostics.sort(Diagnostic.IN_FILE_ORDER);
        return new LoadedRunbook(runbook, graph, diagnostics.stream().distinct().toList());
    }
}
