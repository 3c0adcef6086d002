package dev.opsbook.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A run at one moment: the fold of its events. Immutable; {@link #apply} returns the next state.
 * Executions are kept in the order they started; {@code completed} lists normal steps in the
 * order they succeeded, which is the reverse of the order their rollbacks run in. {@code rollingBack} says why a
 * run that succeeded is being undone ({@link RunEvent.RollbackRequested}). {@code drill} names the game day a drill run
 * belongs to (empty for a real run): the record, the pages, the metrics and notifications say so. {@code incident} is the
 * incident id the run was launched under (or inherited from its parent run), empty when none was given.
 */
public record RunState(
        String runId,
        String runbookId,
        String title,
        String contentHash,
        String startedBy,
        String trigger,
        Instant startedAt,
        Optional<Instant> endedAt,
        ObjectNode params,
        ObjectNode env,
        Map<String, StepExecution> executions,
        List<String> completed,
        RunStatus status,
        String message,
        boolean cancelRequested,
        boolean timedOut,
        JsonNode event,
        Optional<String> rollingBack,
        Optional<String> drill,
        Optional<String> incident) {

    public RunState {
        executions = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(executions));
        completed = List.copyOf(completed);
    }

    public static RunState of(RunEvent.RunStarted started) {
        return new RunState(started.runId(), started.runbookId(), started.title(), started.contentHash(),
                started.startedBy(), started.trigger(), started.at(), Optional.empty(), started.params(), started.env(),
                Map.of(), List.of(), RunStatus.RUNNING, "", false, false, started.event(), Optional.empty(), started.drill(),
                started.incident());
    }

    /** A run's state from its whole history, which starts with its {@link RunEvent.RunStarted}. */
    public static RunState fold(List<RunEvent> history) {
        RunState state = of((RunEvent.RunStarted) history.get(0));
        for (RunEvent event : history.subList(1, history.size())) {
            state = state.apply(event);
        }
        return state;
    }

    public RunState apply(RunEvent event) {
        Map<String, StepExecution> next = new LinkedHashMap<>(executions);
        List<String> done = new ArrayList<>(completed);
        if (event instanceof RunEvent.StepStarted e) {
            StepExecution before = next.get(e.key());
            next.put(e.key(), before != null && (before.status() == StepStatus.WAITING || before.status() == StepStatus.INTERRUPTED)
                    ? before.resumed() // a waiting or interrupted step starts again: its history stays
                    : StepExecution.started(e.key(), e.stepId(), e.role(), e.forStep(), e.input(), e.at()));
        } else if (event instanceof RunEvent.AttemptFinished e) {
            next.computeIfPresent(e.key(), (k, x) -> x.withAttempt(e.attempt(), e.retryAt()));
        } else if (event instanceof RunEvent.RetryStarted e) {
            next.computeIfPresent(e.key(), (k, x) -> x.retrying());
        } else if (event instanceof RunEvent.CallMade e) {
            next.computeIfPresent(e.key(), (k, x) -> x.withCall(e.call()));
        } else if (event instanceof RunEvent.StepAnswered e) {
            next.computeIfPresent(e.key(), (k, x) -> x.answered(e.answer()));
        } else if (event instanceof RunEvent.StepFinished e) {
            next.computeIfPresent(e.key(), (k, x) -> x.finished(e.status(), e.outputs(), e.message(), e.at()));
            StepExecution finished = next.get(e.key());
            if (finished != null && e.status() == StepStatus.SUCCEEDED && (finished.role() == Role.NORMAL || finished.role() == Role.ITEM)) {
                done.add(e.key());
            }
        } else if (event instanceof RunEvent.StepSkipped e) {
            next.put(e.key(), ForEachItems.parse(e.key())
                    .map(item -> StepExecution.skipped(e.key(), item.stepId(), Role.ITEM, Optional.of(item.stepId()), e.reason(), e.at()))
                    .orElseGet(() -> StepExecution.skipped(e.key(), e.key(), Role.NORMAL, Optional.empty(), e.reason(), e.at())));
        } else if (event instanceof RunEvent.StepInterrupted e) {
            next.computeIfPresent(e.key(), (k, x) -> x.finished(e.retry() ? StepStatus.INTERRUPTED : StepStatus.NEEDS_ATTENTION,
                    x.outputs(), e.detail(), e.at()));
        } else if (event instanceof RunEvent.StepResolved e) {
            String who = " by " + e.by() + (e.comment() == null || e.comment().isBlank() ? "" : ": " + e.comment());
            next.computeIfPresent(e.key(), (k, x) -> switch (e.resolution()) {
                case RETRY -> x.finished(StepStatus.INTERRUPTED, x.outputs(), "to run again, resolved" + who, e.at());
                case SKIP -> x.finished(StepStatus.SKIPPED, x.outputs(), "skipped after it was interrupted, resolved" + who, e.at());
                case FAIL -> x.finished(StepStatus.FAILED, x.outputs(), "failed after it was interrupted, resolved" + who, e.at());
            });
        } else if (event instanceof RunEvent.RunTakenOver) {
            return new RunState(runId, runbookId, title, contentHash, startedBy, trigger, startedAt, Optional.empty(),
                    params, env, next, done, RunStatus.RUNNING, "", cancelRequested, timedOut, this.event, rollingBack, drill, incident);
        } else if (event instanceof RunEvent.CancelRequested) {
            return new RunState(runId, runbookId, title, contentHash, startedBy, trigger, startedAt, endedAt, params, env,
                    next, done, status, message, true, timedOut, this.event, rollingBack, drill, incident);
        } else if (event instanceof RunEvent.RunTimedOut) {
            return new RunState(runId, runbookId, title, contentHash, startedBy, trigger, startedAt, endedAt, params, env,
                    next, done, status, message, cancelRequested, true, this.event, rollingBack, drill, incident);
        } else if (event instanceof RunEvent.RunResumed) {
            return new RunState(runId, runbookId, title, contentHash, startedBy, trigger, startedAt, Optional.empty(),
                    params, env, next, done, RunStatus.RUNNING, "", false, false, this.event, rollingBack, drill, incident);
        } else if (event instanceof RunEvent.RunRestarted e) {
            e.reset().forEach(next::remove);
            done.removeAll(e.reset());
            return new RunState(runId, runbookId, title, contentHash, startedBy, trigger, startedAt, Optional.empty(),
                    params, env, next, done, RunStatus.RUNNING, "", false, false, this.event, rollingBack, drill, incident);
        } else if (event instanceof RunEvent.RollbackRequested e) {
            // //why: a child run that succeeded is undone when its parent rolls back its step: it runs again, in its failure path
            return new RunState(runId, runbookId, title, contentHash, startedBy, trigger, startedAt, Optional.empty(),
                    params, env, next, done, RunStatus.RUNNING, "", false, false, this.event, Optional.of(e.reason()), drill, incident);
        } else if (event instanceof RunEvent.RunFinished e) {
            return new RunState(runId, runbookId, title, contentHash, startedBy, trigger, startedAt, Optional.of(e.at()),
                    params, env, next, done, e.status(), e.message(), cancelRequested, timedOut, this.event, rollingBack, drill, incident);
        }
        return new RunState(runId, runbookId, title, contentHash, startedBy, trigger, startedAt, endedAt, params, env,
                next, done, status, message, cancelRequested, timedOut, this.event, rollingBack, drill, incident);
    }

    public Optional<StepExecution> execution(String key) {
        return Optional.ofNullable(executions.get(key));
    }

    public Collection<StepExecution> running() {
        return executions.values().stream().filter(x -> x.status() == StepStatus.RUNNING).toList();
    }

    /** The running steps with an attempt in flight: running, and not waiting for the time of a retry. */
    public Collection<StepExecution> inFlight() {
        return executions.values().stream().filter(x -> x.status() == StepStatus.RUNNING && x.retryAt().isEmpty()).toList();
    }

    public boolean isFinished() {
        return status != RunStatus.RUNNING;
    }

    /**
     * What templates and conditions see: {@code params}, {@code steps.<id>.{status,outputs,result}} (and {@code items} of a for-each step),
     * {@code run} and the allow-listed {@code env}.
     */
    public ObjectNode context() {
        JsonNodeFactory json = JsonNodeFactory.instance;
        ObjectNode context = json.objectNode();
        context.set("params", params);
        ObjectNode steps = context.putObject("steps");
        for (StepExecution execution : executions.values()) {
            if (execution.role() == Role.ITEM) {
                continue; // read through their for-each step's items
            }
            ObjectNode step = steps.putObject(execution.stepId());
            step.put("status", execution.status().label());
            step.set("outputs", execution.outputs());
            JsonNode result = execution.result();
            step.set("result", result == null ? json.nullNode() : result);
            step.put("message", execution.message());
            ForEachItems.items(execution).ifPresent(items -> {
                com.fasterxml.jackson.databind.node.ArrayNode table = ForEachItems.table(this, execution, items);
                step.set("items", table);
                com.fasterxml.jackson.databind.node.ArrayNode results = step.putArray("result");
                table.forEach(row -> results.add(row.get("result")));
            });
        }
        ObjectNode run = context.putObject("run");
        run.put("id", runId);
        run.put("runbook", runbookId);
        run.put("startedAt", startedAt.toString());
        run.put("startedBy", startedBy);
        run.put("trigger", trigger);
        run.put("dryRun", false);
        if (drill.isPresent()) {
            run.put("drill", drill.get());
        } else {
            run.putNull("drill");
        }
        if (incident.isPresent()) {
            run.put("incident", incident.get());
        } else {
            run.putNull("incident");
        }
        context.set("env", env);
        if (event == null) {
            context.putNull("event");
        } else {
            context.set("event", event);
        }
        return context;
    }
}
