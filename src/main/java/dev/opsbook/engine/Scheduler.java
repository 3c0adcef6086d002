package dev.opsbook.engine;

import dev.opsbook.expression.ExpressionException;
import dev.opsbook.expression.Expressions;
import dev.opsbook.graph.StepGraph;
import dev.opsbook.runbook.FailurePolicy;
import dev.opsbook.runbook.Step;
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
 */
public final class Scheduler {

    private final StepGraph graph;

    public Scheduler(StepGraph graph) {
        this.graph = graph;
    }

    public List<Decision> decide(RunState state) {
        if (state.isFinished()) {
            return List.of();
        }
        boolean running = !state.running().isEmpty();
        if (state.cancelRequested()) {
            return running ? List.of() : List.of(new Decision.Finish(RunStatus.CANCELLED, "cancelled"));
        }
        Optional<StepExecution> attention = state.executions().values().stream()
                .filter(x -> x.status() == StepStatus.NEEDS_ATTENTION).findFirst();
        if (attention.isPresent()) {
            // //why: a step that may or may not have acted stops the run until a person resolves it; nothing new starts meanwhile
            return running ? List.of() : List.of(new Decision.Finish(RunStatus.NEEDS_ATTENTION, attention.get().message()));
        }
        Optional<String> failure = failure(state);
        if (failure.isPresent()) {
            return running ? List.of() : recover(state, failure.get());
        }
        List<Decision> decisions = new ArrayList<>();
        for (StepExecution execution : state.executions().values()) {
            if (execution.status() == StepStatus.WAITING && execution.answer().isPresent()
                    || execution.status() == StepStatus.INTERRUPTED) {
                // a person answered while the run waited, or the step was cut off and may run again: it starts again
                decisions.add(new Decision.Start(execution.key(), execution.stepId(), execution.role(), execution.forStep()));
            }
        }
        var context = state.context();
        for (String id : graph.flow()) {
            if (state.execution(id).isPresent() || !settled(state, graph.dependenciesOf(id))) {
                continue;
            }
            Step step = graph.step(id);
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
            Optional<String> rollback = graph.step(owner).rollback();
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
