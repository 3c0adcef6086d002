package dev.opsbook.cli;

import dev.opsbook.graph.GraphText;
import dev.opsbook.graph.LoadedRunbook;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "graph", mixinStandardHelpOptions = true,
        description = "Prints a runbook's step graph: the order steps run in, branches, handlers.")
public class GraphCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "FILE", description = "The runbook.")
    Path file;

    @Option(names = "--mermaid", description = "Print a Mermaid flowchart (GitHub draws it in Markdown).")
    boolean mermaid;

    @Override
    public Integer call() {
        Optional<LoadedRunbook> found = Runbooks.loadOrReport(file, true);
        if (found.isEmpty()) {
            return ExitCodes.INVALID;
        }
        LoadedRunbook loaded = found.get();
        System.out.print(mermaid ? GraphText.mermaid(loaded.graph()) : GraphText.plain(loaded.graph()));
        return ExitCodes.OK;
    }
}
