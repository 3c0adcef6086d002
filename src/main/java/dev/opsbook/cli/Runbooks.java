package dev.opsbook.cli;

import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.steps.StandardSteps;
import dev.opsbook.trigger.TriggerPatternCheck;
import java.util.List;

/** The one loader every command uses, with the step kinds this build ships and event-ruler's check of trigger patterns. */
final class Runbooks {
    private Runbooks() {
    }

    /**
     * Loads a runbook for a command, printing why it cannot when it cannot: empty when the file
     * cannot be read, or (with {@code errorsStop}) when it has errors.
     */
    static java.util.Optional<dev.opsbook.graph.LoadedRunbook> loadOrReport(java.nio.file.Path file, boolean errorsStop) {
        dev.opsbook.graph.LoadedRunbook loaded;
        try {
            loaded = loader().load(file);
        } catch (java.io.IOException e) {
            System.err.println(file + ": error: cannot read: " + e.getMessage());
            return java.util.Optional.empty();
        }
        if (errorsStop && loaded.hasErrors()) {
            loaded.errors().forEach(System.err::println);
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(loaded);
    }

    static RunbookLoader loader() {
        return new RunbookLoader(StandardSteps.all().catalog(), List.of(new TriggerPatternCheck()));
    }
}
