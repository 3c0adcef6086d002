package dev.opsbook.cli;

import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.steps.StandardSteps;
import dev.opsbook.trigger.TriggerPatternCheck;
import java.util.List;

/** The one loader every command uses, with the step kinds this build ships and event-ruler's check of trigger patterns. */
final class Runbooks {
    private Runbooks() {
    }

    static RunbookLoader loader() {
        return new RunbookLoader(StandardSteps.all().catalog(), List.of(new TriggerPatternCheck()));
    }
}
