package dev.opsbook.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opsbook.runbook.RunbookKind;
import dev.opsbook.runbook.Step;
import java.nio.file.Path;
import java.util.Map;

/**
 * Everything one attempt of a step gets: its settings with templates rendered ({@code input}),
 * for script kinds the rendered script, the environment the run exports, where it works, and
 * the person to ask, and where to report each call it makes to the outside world (the audit
 * trail and the record list them). {@code key} names the step's execution in the run (the step id,
 * or {@code id/for-owner} for a handler): with the run id it is stable across retries and takeovers.
 */
public record StepCall(
        String runId,
        RunbookKind runbookKind,
        Step step,
        int attempt,
        JsonNode input,
        String script,
        Map<String, String> environment,
        Path workingDirectory,
        Interaction interaction,
        JsonNode context,
        java.util.function.Consumer<JsonNode> calls,
        String key) {

    public StepCall {
        environment = Map.copyOf(environment);
    }
}
