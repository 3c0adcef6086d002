package dev.opsbook.aws;

import dev.opsbook.runbook.Runbook;
import dev.opsbook.runbook.Step;
import dev.opsbook.runbook.StepKindSpec;
import java.util.List;

/** Which steps of a runbook call AWS: {@code aws} and {@code wait} steps, and {@code assert} steps with a call. */
public final class AwsSteps {

    private AwsSteps() {
    }

    public static List<Step> of(Runbook runbook) {
        return runbook.steps().stream().filter(AwsSteps::callsAws).toList();
    }

    public static boolean callsAws(Step step) {
        return step.has(StepKindSpec.Trait.CALLS_AWS) && step.settings().has("service");
    }
}
