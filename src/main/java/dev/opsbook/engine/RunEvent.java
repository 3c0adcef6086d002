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
    /** @param drill the game day this run is a drill of; empty for a real run */
    /** @param incident the incident id the run was launched under (or inherited from its parent); empty when none */
    record RunStarted(Instant at, String runId, String runbookId, String title, String contentHash,
                      ObjectNode params, ObjectNode env, String startedBy, String trigger, JsonNode event, Optional<String> drill,
                      Optional<String> incident)
            implements RunEvent {

        public RunStarted {
            drill = drill == null ? Optional.empty() : drill;
            incident = incident == null ? Optional.empty() : incident;
        }

        public RunStarted(Instant at, String runId, String runbookId, String title, String contentHash,
                          ObjectNode params, ObjectNode env, String startedBy, String trigger, JsonNode event, Optional<String> drill) {
            this(at, runId, runbookId, title, contentHash, params, env, startedBy, trigger, event, drill, Optional.empty());
        }

        public RunStarted(Instant at, String runId, String runbookId, String title, String contentHash,
                          ObjectNode params, ObjectNode env, String startedBy, String trigger, JsonNode event) {
            this(at, runId, runbookId, title, contentHash, params, env, startedBy, trigger, event, Optional.empty());
        }

        public RunStarted(Instant at, String runId, String runbookId, String title, String contentHash,
                          ObjectNode params, ObjectNode env, String startedBy, String trigger) {
            this(at, runId, runbookId, title, contentHash, params, env, startedBy, trigger, null);
        }
    }

    record StepStarted(Instant at, String key, String stepId, Role role, Optional<String> forStep, JsonNode input)
            implements RunEvent {
    }

    /**
     * One attempt at a step ended. A failed attempt with retries left carries {@code retryAt}, the
     * time its next attempt is due (decided by {@link Scheduler#retryAt}); until then the step holds
     * no thread, and whichever instance has the run starts that attempt ({@link RetryStarted}).
     */
    record AttemptFinished(Instant at, String key, Attempt attempt, Optional<Instant> retryAt) implements RunEvent {

        /** The wait before the next attempt, as the record and the terminal say it. */
        public Optional<Duration> retryIn() {
            return retryAt.map(next -> Duration.between(at, next));
        }
    }

    /** The next attempt of a step that waited for its retry time starts. */
    record RetryStarted(Instant at, String key, int attempt) implements RunEvent {
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

    /**
     * Another engine instance took the run over because the one that held it ({@code from}) stopped:
     * its lease expired, or it let the run go when it drained.
     */
    record RunTakenOver(Instant at, String by, String from) implements RunEvent {
    }

    /**
     * A step was in flight when the engine running it stopped. With {@code retry} it is safe to run
     * again (read-only, a wait or assert, or declared idempotent) and will; else a person decides.
     *
     * @param detail what may or may not have happened: the step, attempt, when, what it was doing
     */
    record StepInterrupted(Instant at, String key, boolean retry, String detail) implements RunEvent {
    }

    /** A person decided what becomes of a step that needed attention ({@code opsbook resolve}). */
    record StepResolved(Instant at, String key, Resolution resolution, String by, String comment) implements RunEvent {
    }

    /**
     * A run that succeeded is to be undone, because the parent that ran it as a child ({@code by}) rolls back its step:
     * the run goes on in its failure path ({@link Scheduler}), running the rollbacks of its succeeded steps, latest first.
     */
    record RollbackRequested(Instant at, String by, String reason) implements RunEvent {
    }

    record RunFinished(Instant at, RunStatus status, String message) implements RunEvent {
    }
}
