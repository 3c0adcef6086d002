package dev.opsbook.steps;

import dev.opsbook.engine.StepExecutors;
import java.util.List;

/** The step kinds this build ships. A new kind is one more executor in this list. */
public final class StandardSteps {

    private StandardSteps() {
    }

    public static StepExecutors all() {
        return new StepExecutors(List.of(new ShellStep(), new HttpStep(), PersonStep.manual(), PersonStep.approve(), new AssertStep()));
    }
}
