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

    public RunbookLoader(StepKindCatalog catalog) {
        this.parser = new RunbookParser(catalog);
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
        diagnostics.sort(Diagnostic.IN_FILE_ORDER);
        return new LoadedRunbook(parsed.runbook(), graph, diagnostics.stream().distinct().toList());
    }
}
