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

    /** Whether the input holds what the step will do, for a dry run; script kinds show the script. */
    default String kind() {
        return spec().name();
    }
}
