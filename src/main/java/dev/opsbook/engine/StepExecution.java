package dev.opsbook.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What happened to one step in one run. A handler step that serves two owners runs twice, so
 * executions are keyed by {@code key}: the step id in the normal flow, {@code id/for-owner} else.
 *
 * @param retryAt while a failed attempt waits for its retry: when the next attempt is due (the step is running, no attempt in flight)
 * @param retries the retries scheduled since the step last started (a resumed or interrupted step gets its retries again)
 */
public record StepExecution(
        String key,
        String stepId,
        Role role,
        Optional<String> forStep,
        StepStatus status,
        JsonNode input,
        List<Attempt> attempts,
        JsonNode outputs,
        String message,
        Optional<Instant> startedAt,
        Optional<Instant> endedAt,
        Optional<Interaction.Answer> answer,
        List<JsonNode> calls,
        Optional<Instant> retryAt,
        int retries) {

    public StepExecution {
        attempts = List.copyOf(attempts);
        calls = List.copyOf(calls);
        outputs = outputs == null ? JsonNodeFactory.instance.objectNode() : outputs;
        message = message == null ? "" : message;
    }

    static StepExecution started(String key, String stepId, Role role, Optional<String> forStep, JsonNode input, Instant at) {
        return new StepExecution(key, stepId, role, forStep, StepStatus.RUNNING, input, List.of(), null, "",
                Optional.of(at), Optional.empty(), Optional.empty(), List.of(), Optional.empty(), 0);
    }

    static StepExecution skipped(String key, String stepId, Role role, Optional<String> forStep, String reason, Instant at) {
        return new StepExecution(key, stepId, role, forStep, StepStatus.SKIPPED, null, List.of(), null,
                reason, Optional.empty(), Optional.of(at), Optional.empty(), List.of(), Optional.empty(), 0);
    }

    StepExecution withAttempt(Attempt attempt, Optional<Instant> nextAt) {
        List<Attempt> all = new ArrayList<>(attempts);
        all.add(attempt);
        return new StepExecution(key, stepId, role, forStep, status, input, all, outputs, message, startedAt, endedAt, answer, calls,
                nextAt, nextAt.isPresent() ? retries + 1 : retries);
    }

    /** Its next attempt starts: it no longer waits. */
    StepExecution retrying() {
        return new StepExecution(key, stepId, role, forStep, status, input, attempts, outputs, message, startedAt, endedAt, answer, calls,
                Optional.empty(), retries);
    }

    /** Running, and waiting for the time of its next attempt rather than running one. */
    public boolean waitingToRetry() {
        return status == StepStatus.RUNNING && retryAt.isPresent();
    }

    StepExecution finished(StepStatus newStatus, JsonNode newOutputs, String newMessage, Instant at) {
        return new StepExecution(key, stepId, role, forStep, newStatus, input, attempts, newOutputs, newMessage, startedAt,
                newStatus.isTerminal() ? Optional.of(at) : endedAt,
                newStatus == StepStatus.WAITING ? Optional.empty() : answer, // //why: waiting again (a child run's next approval) waits for a new answer; the old one would start it again at once
                calls,
                newStatus == StepStatus.RUNNING ? retryAt : Optional.empty(), retries);
    }

    StepExecution answered(Interaction.Answer newAnswer) {
        return new StepExecution(key, stepId, role, forStep, status, input, attempts, outputs, message, startedAt, endedAt,
                Optional.of(newAnswer), calls, retryAt, retries);
    }

    StepExecution resumed() {
        return new StepExecution(key, stepId, role, forStep, StepStatus.RUNNING, input, attempts, outputs, "", startedAt, Optional.empty(),
                answer, calls, Optional.empty(), 0);
    }

    StepExecution withCall(JsonNode call) {
        List<JsonNode> all = new ArrayList<>(calls);
        all.add(call);
        return new StepExecution(key, stepId, role, forStep, status, input, attempts, outputs, message, startedAt, endedAt, answer, all, retryAt, retries);
    }

    /** The last attempt's result: what templates see as {@code steps.<id>.result}. */
    public JsonNode result() {
        return attempts.isEmpty() ? JsonNodeFactory.instance.nullNode() : attempts.get(attempts.size() - 1).result();
    }

    public Optional<Duration> duration() {
        if (startedAt.isEmpty() || endedAt.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(Duration.between(startedAt.get(), endedAt.get()));
    }
}
