package dev.opsbook.cli;

import dev.opsbook.aws.AwsClients;
import dev.opsbook.aws.AwsInvoker;
import dev.opsbook.aws.AwsSecrets;
import dev.opsbook.aws.AwsServices;
import dev.opsbook.engine.ChildRuns;
import dev.opsbook.engine.Interaction;
import dev.opsbook.engine.StepExecutors;
import dev.opsbook.graph.RunbookCatalog;
import dev.opsbook.service.ChildRunner;
import dev.opsbook.service.LocalChildren;
import dev.opsbook.service.RecordExport;
import dev.opsbook.steps.StandardSteps;
import dev.opsbook.store.RunStore;
import java.nio.file.Path;
import java.time.Clock;

/** The step kinds of a run at a terminal, with its {@code runbook} steps' child runs in this process and its store. */
final class TerminalChildren {

    private TerminalChildren() {
    }

    /**
     * @param runbookFile the parent's file: child runbooks named by id are those of its folder
     * @param store empty without a store: then a runbook step fails and says why
     */
    static StepExecutors executors(AwsClients clients, java.util.Optional<RunStore> store, String runbookFile, RecordExport export,
                                   Interaction interaction, Clock clock) {
        if (store.isEmpty()) {
            return StandardSteps.with(clients, Runbooks.python(), call -> {
                throw new ChildRuns.Refused("a runbook step needs the run store for its child run; run without --no-store");
            }, Runbooks.notifications());
        }
        StepExecutors[] executors = new StepExecutors[1];
        AwsInvoker invoker = new AwsInvoker(AwsServices.onClasspath(), clients);
        Path folder = Runbooks.isStdin(Path.of(runbookFile)) || Path.of(runbookFile).toAbsolutePath().getParent() == null
                ? Path.of("").toAbsolutePath() : Path.of(runbookFile).toAbsolutePath().getParent();
        ChildRunner children = new ChildRunner(store.get(), Runbooks.loader(), RunbookCatalog.ofFolder(Runbooks.loader(), folder),
                new LocalChildren(store.get(), Runbooks.loader(), () -> executors[0], clock, id -> new AwsSecrets(invoker, "opsbook-" + id),
                        export, interaction, System.err), clock);
        executors[0] = dev.opsbook.service.DrillSteps.guard(StandardSteps.with(clients, Runbooks.python(), children, Runbooks.notifications()),
                store.get());
        return executors[0];
    }
}
