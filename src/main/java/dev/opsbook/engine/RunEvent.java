package dev.opsbook.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What happened in a run, in order. The run's state is these events folded together
 * ({@link RunState#apply}); the record's timeline and the progress lines are drawn from them.
 */
public sealed interface RunEvent {

    Instant at();

    /** @param event the event that triggered the run (templates read it as {@code event}), or null */
    record RunStarted(Instant at, String runId, String runbookId, String title, String contentHash,
                      ObjectNode params, ObjectNode env, String startedBy, String trigger, JsonNode event) implements RunEvent {

        public RunStarted(Instant at, String runId, String runbookId, String title, String contentHash,
                          ObjectNode params, ObjectNode env, String startedBy, String trigger) {
            this(at, runId, runbookId, title, contentHash, params, env, startedBy, trigger, null);
        }
    }

    record StepStarted(Instant at, String key, String stepId, Role role, Optional<String> forStep, JsonNode input)
            implements RunEvent {
    }

    record AttemptFinished(Instant at, String key, Attempt attempt, Optional<Duration> retryIn) implements RunEvent {
    }

    /** A call to the outside world a step made (an AWS API call): what, where, outcome, request id. */
    record CallMade(Instant at, String key, JsonNode call) implements RunEvent {
    }

    record StepAnswered(Instant at, String key, Interaction.Answer answer) implements RunEvent {
    }

    record StepFinished(Instant at, String key, StepStatus status, JsonNode outputs, String message) implements RunEvent {
    }

    record StepSkipped(Instant at, String key, String reason) implements RunEvent {
    }

    record CancelRequested(Instant at, String reason) implements RunEvent {
    }

    record RunTimedOut(Instant at, Duration limit) implements RunEvent {
    }

    /** A waiting run goes on: a person answered, and a process (serve, or resume) took it up. */
    record RunResumed(Instant at, String by) implements RunEvent {
    }

    /**
     * A failed run goes on from a chosen step, by a person's decision: the executions in
     * {@code reset} (the step, every step after it, and the failure's handlers) are forgotten and
     * run again; the outputs of the steps before it stay.
     */
    record RunRestarted(Instant at, String by, String fromStep, java.util.List<String> reset) implements RunEvent {
        public RunRestarted {
            reset = java.util.List.copyOf(reset);
        }
    }

    record RunFinished(Instant at, RunStatus status, String message) implements RunEvent {
    }
}
