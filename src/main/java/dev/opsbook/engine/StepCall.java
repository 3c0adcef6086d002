package dev.opsbook.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opsbook.runbook.Step;
import java.nio.file.Path;
import java.util.Map;

/**
 * Everything one attempt of a step gets: its settings with templates rendered ({@code input}),
 * for script kinds the rendered script, the environment the run exports, where it works, and
 * the person to ask.
 */
public record StepCall(
        String runId,
        Step step,
        int attempt,
        JsonNode input,
        String script,
        Map<String, String> environment,
        Path workingDirectory,
        Interaction interaction,
        JsonNode context) {

    public StepCall {
        environment = Map.copyOf(environment);
    }
}
