package dev.opsbook.engine;

import dev.opsbook.runbook.StepKindSpec;

/**
 * One step kind: what the parser must know of it, and how to run one attempt. The engine does
 * the rest (templates, retries, timeouts, outputs, records), so a new kind is this and nothing
 * else. {@link #execute} must return promptly when its thread is interrupted: that is how
 * timeouts and cancellation stop it.
 */
public interface StepExecutor {

    StepKindSpec spec();

    StepOutcome execute(StepCall call) throws InterruptedException;

    /** What a dry run shows of a step with this rendered input; by default the input itself. */
    default com.fasterxml.jackson.databind.JsonNode preview(com.fasterxml.jackson.databind.JsonNode input) {
        return input;
    }
}
