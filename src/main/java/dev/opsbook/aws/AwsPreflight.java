package dev.opsbook.aws;

import dev.opsbook.runbook.Runbook;
import dev.opsbook.runbook.Step;
import dev.opsbook.runbook.StepKindSpec;
import java.util.Optional;

/**
 * What must hold before a run that calls AWS starts, so it fails at once, in one line, rather
 * than at its first call with a record half written: a named profile exists, a region is known
 * for calls that name none, and credentials resolve.
 */
public final class AwsPreflight {

    private AwsPreflight() {
    }

    /** Empty when the run may start; else the one-line reason. */
    public static Optional<String> problem(Runbook runbook, AwsClients clients) {
        boolean steps = !AwsSteps.of(runbook).isEmpty();
        boolean secrets = runbook.steps().stream().anyMatch(AwsPreflight::readsSecret);
        boolean notifies = runbook.steps().stream().anyMatch(s -> s.has(StepKindSpec.Trait.NOTIFIES) && s.settings() != null && s.settings().has("sns"));
        if (!steps && !secrets && !notifies) {
            return Optional.empty();
        }
        Optional<String> missing = clients.environment().missingProfile(clients.settings());
        if (missing.isPresent()) {
            return missing;
        }
        // //why: a step with its own region needs none; secret references are read in the run's region
        boolean needsRegion = secrets || AwsSteps.of(runbook).stream().anyMatch(s -> s.settings().path("region").asText("").isBlank());
        if (needsRegion && clients.defaultRegion().isEmpty()) {
            return Optional.of(clients.noRegion());
        }
        return clients.credentialsProblem();
    }

    private static boolean readsSecret(Step step) {
        return step.body() != null && step.body().matches("(?s).*\\{\\{\\s*secret:.*");
    }
}
