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

    /**
     * Whether an attempt with this rendered input, cut off mid-way when its engine stopped, may
     * simply run again: true for kinds that only read or wait. A step can also say so itself with
     * {@code idempotent=true}. By default false: a person decides.
     */
    default boolean safeToRetry(com.fasterxml.jackson.databind.JsonNode input) {
        return false;
    }

    /** What an attempt with this rendered input does, for people deciding about an interrupted one. */
    default String describe(dev.opsbook.runbook.Step step, com.fasterxml.jackson.databind.JsonNode input) {
        return "ran the " + step.kind() + " step" + (input == null || input.isNull() ? "" : " with input " + input);
    }

    /** What a dry run shows of a step with this rendered input; by default the input itself. */
    default com.fasterxml.jackson.databind.JsonNode preview(com.fasterxml.jackson.databind.JsonNode input) {
        return input;
    }
}
