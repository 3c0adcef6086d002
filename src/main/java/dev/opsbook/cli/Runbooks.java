package dev.opsbook.cli;

import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.steps.StandardSteps;

/** The one loader every command uses, with the step kinds this build ships. */
final class Runbooks {
    private Runbooks() {
    }

    static RunbookLoader loader() {
        return new RunbookLoader(StandardSteps.all().catalog());
    }
}
