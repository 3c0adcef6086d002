package dev.opsbook.graph;

import dev.opsbook.runbook.Diagnostic;
import dev.opsbook.runbook.ParsedRunbook;
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

    public RunbookLoader(StepKindCatalog catalog) {
        this(catalog, List.of());
    }

    /** @param checks run on every runbook after the parser's and the graph's own checks */
    public RunbookLoader(StepKindCatalog catalog, List<RunbookCheck> checks) {
        this.parser = new RunbookParser(catalog);
        this.checks = List.copyOf(checks);
    }

    public LoadedRunbook load(Path path) throws IOException {
        return check(parser.parse(path));
    }

    public LoadedRunbook load(String file, String text) {
        return check(parser.parse(file, text));
    }

    private LoadedRunbook check(ParsedRunbook parsed) {
        StepGraph graph = StepGraph.of(parsed.runbook());
        List<Diagnostic> diagnostics = new ArrayList<>(parsed.diagnostics());
        diagnostics.addAll(GraphCheck.check(graph));
        for (RunbookCheck check : checks) {
            diagnostics.addAll(check.check(parsed.runbook()));
        }
        diagnostics.sort(Diagnostic.IN_FILE_ORDER);
        return new LoadedRunbook(parsed.runbook(), graph, diagnostics.stream().distinct().toList());
    }
}
