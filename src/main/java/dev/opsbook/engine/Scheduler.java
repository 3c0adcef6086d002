package dev.opsbook.engine;

import dev.opsbook.expression.ExpressionException;
import dev.opsbook.expression.Expressions;
import dev.opsbook.graph.StepGraph;
import dev.opsbook.runbook.FailurePolicy;
import dev.opsbook.runbook.Step;
import dev.opsbook.runbook.StepKindSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Decides what a run does next from its state alone: no clock, no I/O, no threads. Fed the same
 * state it makes the same decisions, which is what lets a recorded run be replayed and checked.
 *
 * <p>The rules, in order: a cancelled run starts nothing and ends once nothing runs. A failed
 * run (a step failed and its on-failure is not {@code continue}, or the run timed out) starts
 * nothing new, waits for running steps, runs each failed step's on-failure handler, then the
 * rollbacks of succeeded steps in reverse order of completion, one at a time, then ends failed.
 * Otherwise every step whose dependencies are settled starts (or is skipped by its condition).
 *
 * <p>Retries are decisions too: a failed attempt with retries left gets the time of its next
 * attempt ({@link #retryAt}), stored with the attempt; the step then holds no thread, and the
 * next attempt starts ({@link Decision.Retry}) once the time the engine passes in has reached it.
 * A cancel or a run timeout ends such a step at once ({@link Decision.StopRetry}); a failure
 * elsewhere lets it go on, as it lets running steps go on.
 */
public final class Scheduler {

    private static final Duration MAX_BACKOFF = Duration.ofMinutes(5);

    private final StepGraph graph;
    private final ForEachDecisions forEach;

    public Scheduler(StepGraph graph) {
        this.graph = graph;
        this.forEach = new ForEachDecisions(graph);
    }

    /**
     * What the run does next.
     *
     * @param now the engine's time, against which the retry times of waiting steps are compared; a
     *            replay passes the time of the event it checks
     */
    public List<Decision> decide(RunState state, Instant now) {
        if (state.isFinished()) {
            return List.of();
        }
        // a for-each step's own execution runs nothing: its items do, and it ends when they let it (ForEachDecisions)
        boolean running = state.running().stream().anyMatch(x -> !ForEachItems.isForEach(graph, x));
        List<StepExecution> waitingToRetry = state.executions().values().stream().filter(StepExecution::waitingToRetry).toList();
        if (state.cancelRequested() || state.timedOut()) {
            if (!waitingToRetry.isEmpty()) {
                StepStatus status = state.cancelRequested() ? StepStatus.CANCELLED : StepStatus.FAILED;
                return waitingToRetry.stream().<Decision>map(x -> new Decision.StopRetry(x.key(), status)).toList();
            }
        }
        Optional<String> failure = failure(state);
        List<Decision> settled = forEach.settle(state, state.cancelRequested() ? Optional.of("cancelled") : failure);
        if (!settled.isEmpty()) {
            return settled;
        }
        if (state.cancelRequested()) {
            return running ? List.of() : List.of(new Decision.Finish(RunStatus.CANCELLED, "cancelled"));
        }
        List<Decision> retries = waitingToRetry.stream().filter(x -> !x.retryAt().orElseThrow().isAfter(now))
                .<Decision>map(x -> new Decision.Retry(x.key(), x.stepId(), x.attempts().size() + 1)).toList();
        Optional<StepExecution> attention = state.executions().values().stream()
                .filter(x -> x.status() == StepStatus.NEEDS_ATTENTION).findFirst();
        if (attention.isPresent()) {
            // //why: a step that may or may not have acted stops the run until a person resolves it; nothing new starts meanwhile
            return running ? retries : List.of(new Decision.Finish(RunStatus.NEEDS_ATTENTION, attention.get().message()));
        }
        if (failure.isPresent()) {
            return running ? retries : recover(state, failure.get());
        }
        List<Decision> decisions = new ArrayList<>(retries);
        for (StepExecution execution : state.executions().values()) {
            if (execution.status() == StepStatus.WAITING && execution.answer().isPresent()
                    || execution.status() == StepStatus.INTERRUPTED) {
                // a person answered while the run waited, or the step was cut off and may run again: it starts again
                decisions.add(new Decision.Start(execution.key(), execution.stepId(), execution.role(), execution.forStep()));
            }
        }
        decisions.addAll(forEach.start(state));
        var context = state.context();
        for (String id : graph.flow()) {
            if (state.execution(id).isPresent() || !settled(state, graph.dependenciesOf(id))) {
                continue;
            }
            Step step = graph.step(id);
            if (dev.opsbook.runbook.ForEach.of(step).isPresent()) {
                decisions.add(forEach.list(id, state)); // its if= is read per item
                continue;
            }
            if (step.condition().isPresent()) {
                try {
                    if (!Expressions.isTruthy(Expressions.evaluate(step.condition().get(), context))) {
                        decisions.add(new Decision.Skip(id, "condition is false: " + step.condition().get()));
                        continue;
                    }
                } catch (ExpressionException e) {
                    decisions.add(new Decision.Fail(id, id, "condition cannot be evaluated: " + e.getMessage()));
                    continue;
                }
            }
            decisions.add(new Decision.Start(id, id, Role.NORMAL, Optional.empty()));
        }
        if (!decisions.isEmpty() || running) {
            return decisions;
        }
        boolean waiting = state.executions().values().stream().anyMatch(x -> x.status() == StepStatus.WAITING);
        if (waiting) {
            String steps = String.join(", ", state.executions().values().stream()
                    .filter(x -> x.status() == StepStatus.WAITING).map(StepExecution::stepId).toList());
            return List.of(new Decision.Finish(RunStatus.WAITING, "waiting for a person at " + steps));
        }
        boolean allDone = graph.flow().stream().allMatch(id -> state.execution(id).isPresent());
        return List.of(allDone
                ? new Decision.Finish(RunStatus.SUCCEEDED, "")
                : new Decision.Finish(RunStatus.FAILED, "no step can start: " + String.join(", ", graph.flow().stream()
                        .filter(id -> state.execution(id).isEmpty()).toList())));
    }

    /**
     * When the next attempt of a step whose attempt just failed is due, or empty when the step has
     * no retries left, its kind is never retried (a person's answer), or the run is cancelled or
     * timed out. The wait is the step's {@code backoff}, doubled for each further retry since the
     * step last started, at most five minutes, counted from the end of the failed attempt.
     */
    public Optional<Instant> retryAt(RunState state, String key, Attempt failed) {
        Optional<StepExecution> execution = state.execution(key);
        if (execution.isEmpty() || failed.succeeded() || state.cancelRequested() || state.timedOut()) {
            return Optional.empty();
        }
        Step step = graph.step(execution.get().stepId());
        int used = execution.get().retries();
        if (used >= step.retries() || step.has(StepKindSpec.Trait.ASKS_A_PERSON)) {
            return Optional.empty();
        }
        return Optional.of(failed.endedAt().plus(backoff(step.backoff(), used + 1)));
    }

    static Duration backoff(Duration base, int retry) {
        Duration delay = base.multipliedBy(1L << Math.min(retry - 1, 20));
        return delay.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : delay;
    }

    /** Dependencies are settled when each succeeded, was skipped, or failed with on-failure=continue. */
    private boolean settled(RunState state, List<String> dependencies) {
        for (String dependency : dependencies) {
            Optional<StepExecution> execution = state.execution(dependency);
            if (execution.isEmpty()) {
                return false;
            }
            StepStatus status = execution.get().status();
            boolean continued = status == StepStatus.FAILED
                    && graph.step(dependency).onFailure() instanceof FailurePolicy.Continue;
            if (status != StepStatus.SUCCEEDED && status != StepStatus.SKIPPED && !continued) {
                return false;
            }
        }
        return true;
    }

    private Optional<String> failure(RunState state) {
        if (state.rollingBack().isPresent()) {
            return state.rollingBack();
        }
        if (state.timedOut()) {
            return Optional.of("the run timed out");
        }
        for (StepExecution execution : state.executions().values()) {
            if (execution.role() == Role.NORMAL && (execution.status() == StepStatus.FAILED || execution.status() == StepStatus.CANCELLED)
                    && !(graph.step(execution.stepId()).onFailure() instanceof FailurePolicy.Continue)) {
                return Optional.of("step '" + execution.stepId() + "' failed"
                        + (execution.message().isEmpty() ? "" : ": " + execution.message()));
            }
        }
        return Optional.empty();
    }

    private List<Decision> recover(RunState state, String failure) {
        for (StepExecution execution : state.executions().values()) {
            if (execution.role() != Role.NORMAL || execution.status() != StepStatus.FAILED) {
                continue;
            }
            if (graph.step(execution.stepId()).onFailure() instanceof FailurePolicy.Handler handler) {
                String key = handler.stepId() + "/for-" + execution.stepId();
                if (state.execution(key).isEmpty() && graph.runbook().step(handler.stepId()).isPresent()) {
                    return List.of(new Decision.Start(key, handler.stepId(), Role.ON_FAILURE, Optional.of(execution.stepId())));
                }
            }
        }
        List<String> completed = state.completed();
        for (int i = completed.size() - 1; i >= 0; i--) {
            String owner = completed.get(i);
            StepExecution done = state.execution(owner).orElse(null);
            if (done == null || ForEachItems.isForEach(graph, done)) {
                continue; // a for-each step is rolled back item by item: its items that succeeded are in completed
            }
            if (graph.step(done.stepId()).has(StepKindSpec.Trait.RUNS_A_RUNBOOK)) {
                // //why: a runbook step is undone by its child's own rollbacks (ChildRuns#undoKey), before a rollback= of its own
                String key = ChildRuns.undoKey(done.stepId(), owner);
                if (state.execution(key).isEmpty()) {
                    return List.of(new Decision.Start(key, done.stepId(), Role.ROLLBACK, Optional.of(owner)));
                }
            }
            Optional<String> rollback = graph.step(done.stepId()).rollback();
            if (rollback.isPresent() && graph.runbook().step(rollback.get()).isPresent()) {
                String key = rollback.get() + "/for-" + owner;
                if (state.execution(key).isEmpty()) {
                    return List.of(new Decision.Start(key, rollback.get(), Role.ROLLBACK, Optional.of(owner)));
                }
            }
        }
        return List.of(new Decision.Finish(RunStatus.FAILED, failure));
    }
}
