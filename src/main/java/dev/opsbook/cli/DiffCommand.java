package dev.opsbook.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.opsbook.record.RunComparisonJson;
import dev.opsbook.record.RunComparisonText;
import dev.opsbook.service.RunComparisons;
import dev.opsbook.store.RunStore;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "diff", mixinStandardHelpOptions = true,
        description = {"Compares two runs from the store side by side: parameters, steps (ran, skipped, failed, rolled back, not reached),"
                + " outputs, durations, who answered, how each ended, and the runbook's own text diff when it changed between them.",
                "With one run, compares it with the run of the same runbook started before it."},
        footer = {"", "Exit status: 0 compared (whether or not they differ), 2 a run is not in the store."})
public class DiffCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "RUN_A", description = "The run on the left (A).")
    String runA;

    @Parameters(index = "1", arity = "0..1", paramLabel = "RUN_B", description = "The run on the right (B); without it, RUN_A is B and A is the run before it.")
    String runB;

    @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "text", description = "text (default) or json.")
    String output;

    @Mixin
    StoreOption store;

    @Override
    public Integer call() {
        if (!output.equals("text") && !output.equals("json")) {
            System.err.println("error: --output is text or json, not '" + output + "'");
            return ExitCodes.INVALID;
        }
        if (store.missingTold()) {
            return ExitCodes.INVALID;
        }
        try (RunStore runs = store.open()) {
            RunComparisons comparisons = new RunComparisons(runs, Runbooks.loader());
            String a = runA;
            String b = runB;
            if (b == null) {
                Optional<String> previous = comparisons.previous(runA);
                if (previous.isEmpty()) {
                    System.err.println(runs.run(runA).isEmpty() ? noRun(runA, runs)
                            : "error: run " + runA + " is the first of its runbook in " + runs.describe() + "; name the other run: opsbook diff RUN_A RUN_B");
                    return ExitCodes.INVALID;
                }
                a = previous.get();
                b = runA;
            }
            RunComparisons.Outcome outcome = comparisons.compare(a, b);
            if (outcome instanceof RunComparisons.Outcome.NoRun missing) {
                System.err.println(noRun(missing.runId(), runs));
                return ExitCodes.INVALID;
            }
            var comparison = ((RunComparisons.Outcome.Compared) outcome).comparison();
            if (output.equals("json")) {
                System.out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(RunComparisonJson.of(comparison)));
            } else {
                System.out.print(RunComparisonText.render(comparison));
            }
            return ExitCodes.OK;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String noRun(String runId, RunStore runs) {
        return "error: no run " + runId + " in " + runs.describe() + "; list them with opsbook runs";
    }
}
