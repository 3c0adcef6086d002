package dev.opsbook.cli;

import dev.opsbook.service.Acknowledgements;
import dev.opsbook.service.Approvals;
import dev.opsbook.store.RunStore;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "ack", mixinStandardHelpOptions = true,
        description = "Acknowledges a run that escalates (it waits for a person, failed, or needs attention), from any terminal:"
                + " opsbook serve tells no further tier of its escalation. Approving, rejecting, resolving or cancelling stops it too.",
        footer = {"", "Exit status: 0 acknowledged, 1 the run escalates for nothing now or was acknowledged already, 2 invalid input."})
public class AckCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "RUN", description = "The run.")
    String runId;

    @Mixin
    StoreOption store;

    @Override
    public Integer call() {
        String user = System.getProperty("user.name", "unknown");
        if (store.missingTold()) {
            return ExitCodes.INVALID;
        }
        try (RunStore runs = store.open()) {
            System.out.println(Acknowledgements.acknowledge(runs, runId, user, "opsbook ack", Clock.systemUTC()));
            return ExitCodes.OK;
        } catch (Approvals.Refused e) {
            System.err.println("error: " + e.getMessage());
            return ExitCodes.FAILED;
        }
    }
}
