package dev.opsbook.cli;

import dev.opsbook.service.Approvals;
import dev.opsbook.store.RunStore;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "approve", mixinStandardHelpOptions = true,
        description = "Answers a run that waits at an approval or manual step, from any terminal. opsbook serve resumes the run;"
                + " for a run you started with opsbook run, continue it with opsbook resume RUN.",
        footer = {"", "Exit status: 0 the answer is recorded, 1 the run cannot take it (not waiting there, already answered), 2 invalid input."})
public class ApproveCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "RUN", description = "The waiting run.")
    String runId;

    @Parameters(index = "1", paramLabel = "STEP", description = "The step it waits at.")
    String stepId;

    @Option(names = "--reject", description = "Refuse instead of approving (for a manual step: say it was not done).")
    boolean reject;

    @Option(names = {"-m", "--comment"}, paramLabel = "TEXT", defaultValue = "", description = "Why; it goes into the record and the audit trail.")
    String comment;

    @Mixin
    StoreOption store;

    @Override
    public Integer call() {
        String user = System.getProperty("user.name", "unknown");
        if (store.missingTold()) {
            return ExitCodes.INVALID;
        }
        try (RunStore runs = store.open()) {
            Approvals.answer(runs, Runbooks.loader(), runId, stepId, !reject, user, comment, "opsbook approve", Clock.systemUTC());
            System.out.println((reject ? "rejected" : "approved") + " step " + stepId + " of run " + runId + " as " + user
                    + "; opsbook serve resumes it, or continue it here with: opsbook resume " + runId);
            return ExitCodes.OK;
        } catch (Approvals.Refused e) {
            System.err.println("error: " + e.getMessage());
            return ExitCodes.FAILED;
        }
    }
}
