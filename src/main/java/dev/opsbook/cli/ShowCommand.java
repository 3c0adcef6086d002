package dev.opsbook.cli;

import dev.opsbook.service.RunRecords;
import dev.opsbook.store.RunStore;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "show", mixinStandardHelpOptions = true,
        description = "Prints a run's record from the store: the runbook as it was executed, whichever way the run was started.")
public class ShowCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "RUN", description = "The run id.")
    String runId;

    @Mixin
    StoreOption store;

    @Override
    public Integer call() {
        if (store.missingTold()) {
            return ExitCodes.INVALID;
        }
        try (RunStore runs = store.open()) {
            Optional<String> record = render(runs, runId);
            if (record.isEmpty()) {
                System.err.println("error: no run " + runId + " in " + runs.describe() + "; list them with opsbook runs");
                return ExitCodes.INVALID;
            }
            System.out.print(record.get());
            return ExitCodes.OK;
        }
    }

    static Optional<String> render(RunStore store, String runId) {
        return new RunRecords(store, Runbooks.loader()).of(runId).map(RunRecords.Rendered::markdown);
    }
}
