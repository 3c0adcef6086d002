package dev.opsbook.cli;

import dev.opsbook.engine.Resolution;
import dev.opsbook.service.Approvals;
import dev.opsbook.store.RunStore;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "resolve", mixinStandardHelpOptions = true,
        description = "Decides what becomes of a step that was in flight when its engine stopped and may not run again on its own"
                + " (the run needs attention): run it again, go on without it, or count it as failed. opsbook serve then takes the"
                + " run up; for a run you started with opsbook run, continue it with opsbook resume RUN.",
        footer = {"", "Exit status: 0 the decision is recorded, 2 invalid input (no such run, the step does not need attention)."})
public class ResolveCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "RUN", description = "The run that needs attention.")
    String runId;

    @Parameters(index = "1", paramLabel = "STEP", description = "The step that needs attention.")
    String stepId;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Decision decision;

    static class Decision {
        @Option(names = "--retry", required = true, description = "Run it again: doing it twice is harmless, or it did not happen.")
        boolean retry;

        @Option(names = "--skip", required = true, description = "Go on without it: it happened, or is not needed (its rollback does not run).")
        boolean skip;

        @Option(names = "--fail", required = true, description = "Count it as failed: on-failure handlers and rollbacks run.")
        boolean fail;

        Resolution resolution() {
            return retry ? Resolution.RETRY : skip ? Resolution.SKIP : Resolution.FAIL;
        }
    }

    @Option(names = "--by", paramLabel = "NAME", description = "Who decides (default: the OS user).")
    String by;

    @Option(names = {"-m", "--comment"}, paramLabel = "TEXT", defaultValue = "", description = "Why; it goes into the record and the audit trail.")
    String comment;

    @Mixin
    StoreOption store;

    @Override
    public Integer call() {
        String who = by != null && !by.isBlank() ? by.strip() : System.getProperty("user.name", "unknown");
        Resolution resolution = decision.resolution();
        if (store.missingTold()) {
            return ExitCodes.INVALID;
        }
        try (RunStore runs = store.open()) {
            Approvals.resolve(runs, runId, stepId, resolution, who, comment, Clock.systemUTC());
            System.out.println("resolved step " + stepId + " of run " + runId + ": " + resolution.label() + ", by " + who
                    + "; opsbook serve takes the run up, or continue it here with: opsbook resume " + runId);
            return ExitCodes.OK;
        } catch (Approvals.Refused e) {
            System.err.println("error: " + e.getMessage());
            return ExitCodes.INVALID;
        }
    }
}
