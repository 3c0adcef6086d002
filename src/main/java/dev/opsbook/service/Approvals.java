package dev.opsbook.service;

import dev.opsbook.engine.Interaction;
import dev.opsbook.engine.RunEvent;
import dev.opsbook.engine.RunState;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.engine.StepExecution;
import dev.opsbook.engine.StepStatus;
import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.runbook.Approvers;
import dev.opsbook.runbook.Runbook;
import dev.opsbook.runbook.Step;
import dev.opsbook.runbook.StepKindSpec;
import dev.opsbook.store.RunStore;
import dev.opsbook.store.StoredRun;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * A person's answer to a run that waits: written into the run's history in the store, from any
 * process. Whoever resumes the run next (serve's resumer, or {@code opsbook resume}) finds it.
 */
public final class Approvals {

    /** The answer could not be given, and why. */
    public static final class Refused extends Exception {
        private final boolean forbidden;

        public Refused(String message) {
            this(message, false);
        }

        /** @param forbidden this person may not give this answer (rather than: the run cannot take one now) */
        public Refused(String message, boolean forbidden) {
            super(message);
            this.forbidden = forbidden;
        }

        public boolean forbidden() {
            return forbidden;
        }
    }

    private Approvals() {
    }

    /**
     * Writes a person's answer into the run's history. An {@code approve} step with
     * {@code approvers:} takes an approval only from one of them (refused as forbidden). When the runbook says
     * {@code approval: { separateApprover: true }}, the person who launched the run cannot approve its
     * {@code approve} steps (rejecting stays open to them).
     *
     * @param loader reads the runbook text the run was started with, for its approval policy
     */
    public static void answer(RunStore store, RunbookLoader loader, String runId, String stepId, boolean confirmed, String by,
                              String comment, String how, Clock clock) throws Refused {
        StoredRun run = store.run(runId).orElseThrow(() -> new Refused("no run " + runId + " in " + store.describe()));
        List<RunEvent> events = store.events(runId);
        RunState state = RunState.fold(events);
        if (state.status() != RunStatus.WAITING) {
            throw new Refused("run " + runId + " is " + state.status().label() + ", not waiting for an answer");
        }
        Optional<StepExecution> step = state.executions().values().stream()
                .filter(x -> (x.stepId().equals(stepId) || x.key().equals(stepId)) && x.status() == StepStatus.WAITING).findFirst();
        if (step.isEmpty()) {
            String waiting = String.join(", ", state.executions().values().stream()
                    .filter(x -> x.status() == StepStatus.WAITING).map(StepExecution::stepId).toList());
            throw new Refused("run " + runId + " of " + run.runbookId() + " is not waiting at step '" + stepId + "'; it waits at " + waiting);
        }
        if (step.get().answer().isPresent()) {
            throw new Refused("step '" + stepId + "' of run " + runId + " was already answered by " + step.get().answer().get().by());
        }
        if (confirmed) {
            Runbook runbook = loader.load(run.runbookFile(), store.runbookText(runId).orElse("")).runbook();
            Optional<Step> gate = runbook.step(step.get().stepId()).filter(s -> s.has(StepKindSpec.Trait.APPROVAL));
            Approvers approvers = gate.map(s -> Approvers.of(s.settings())).orElse(Approvers.ANYONE);
            if (!approvers.allow(by)) {
                throw new Refused(approvers.refusal(stepId, by), true);
            }
            if (gate.isPresent() && runbook.approval().separateApprover() && person(by).equals(person(run.startedBy()))) {
                throw new Refused("runbook " + runbook.id() + " requires that the approver is not the person who launched the run ("
                        + person(run.startedBy()) + "); ask another approver to approve step '" + stepId + "'");
            }
        }
        var now = clock.instant();
        try {
            RunAppends.checked(store, runId, events, new RunEvent.StepAnswered(now, step.get().key(),
                    new Interaction.Answer(confirmed, by, comment, now, how)));
        } catch (RuntimeException e) {
            throw new Refused("someone answered run " + runId + " at the same moment; look at it with opsbook show " + runId);
        }
        answerParents(store, run, new Interaction.Answer(confirmed, by, "answered in child run " + runId + " at step '" + stepId + "'"
                + (comment == null || comment.isBlank() ? "" : ": " + comment), now, how));
    }

    /**
     * //why: a parent whose runbook step waits for this child waits too; the same answer on that step makes it resumable,
     * so whoever takes answered runs up (serve, opsbook resume) goes on with the parent, which goes on with the child.
     */
    private static void answerParents(RunStore store, StoredRun child, Interaction.Answer answer) {
        String[] parent = dev.opsbook.engine.ChildRuns.parentOf(child.startedBy());
        if (parent == null) {
            return;
        }
        Optional<StoredRun> above = store.run(parent[0]);
        if (above.isEmpty()) {
            return;
        }
        List<RunEvent> events = store.events(parent[0]);
        Optional<StepExecution> waiting = RunState.fold(events).execution(parent[1])
                .filter(x -> x.status() == StepStatus.WAITING && x.answer().isEmpty());
        if (waiting.isEmpty() || above.get().status() != RunStatus.WAITING) {
            return;
        }
        try {
            RunAppends.checked(store, parent[0], events, new RunEvent.StepAnswered(answer.at(), parent[1], answer));
        } catch (RuntimeException e) {
            return; // the parent moved on meanwhile (cancelled, say): nothing waits for the answer there
        }
        answerParents(store, above.get(), answer);
    }

    static String person(String by) {
        return Approvers.person(by);
    }

    /**
     * Takes up an answered waiting run: appends {@link RunEvent.RunResumed} right after its last event,
     * which the store accepts from one process only.
     *
     * @return the history to resume from (ending with that event), or empty when another process took it up
     */
    public static Optional<List<RunEvent>> claim(RunStore store, String runId, List<RunEvent> events, RunEvent.RunResumed resumed) {
        return claim(store, runId, events, resumed, Optional.empty());
    }

    /** Takes up a run like {@link #claim(RunStore, String, List, RunEvent.RunResumed)}, holding it with {@code lease} (serve). */
    public static Optional<List<RunEvent>> claim(RunStore store, String runId, List<RunEvent> events, RunEvent.RunResumed resumed,
                                                 Optional<dev.opsbook.store.Lease> lease) {
        try {
            return Optional.of(RunAppends.checked(store, runId, events, resumed, Optional.empty(), lease));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * A waiting run with an answer after its last stop can go on; so can a run that needed attention
     * once a person resolved every step that needed it.
     */
    public static boolean resumable(List<RunEvent> events) {
        if (events.isEmpty()) {
            return false;
        }
        RunState state = RunState.fold(events);
        if (state.status() == RunStatus.NEEDS_ATTENTION) {
            return state.executions().values().stream().noneMatch(x -> x.status() == StepStatus.NEEDS_ATTENTION);
        }
        return state.status() == RunStatus.WAITING && state.executions().values().stream()
                .anyMatch(x -> x.status() == StepStatus.WAITING && x.answer().isPresent());
    }

    /**
     * A person's decision about a step that needed attention, written into the run's history:
     * whoever takes the run up next (serve, or {@code opsbook resume}) goes on accordingly.
     */
    public static void resolve(RunStore store, String runId, String stepId, dev.opsbook.engine.Resolution resolution, String by,
                               String comment, Clock clock) throws Refused {
        StoredRun run = store.run(runId).orElseThrow(() -> new Refused("no run " + runId + " in " + store.describe()));
        List<RunEvent> events = store.events(runId);
        RunState state = RunState.fold(events);
        List<StepExecution> attention = state.executions().values().stream().filter(x -> x.status() == StepStatus.NEEDS_ATTENTION).toList();
        if (state.status() == RunStatus.NEEDS_ATTENTION && attention.isEmpty()) {
            // //why: resolved already, and no process has taken it up yet; saying "is needs-attention, not needing attention" confused
            throw new Refused("run " + runId + " of " + run.runbookId() + " was resolved already"
                    + state.executions().values().stream().filter(x -> x.stepId().equals(stepId)).findFirst()
                            .flatMap(x -> events.stream().filter(e -> e instanceof RunEvent.StepResolved r && r.key().equals(x.key()))
                                    .map(e -> (RunEvent.StepResolved) e).reduce((a, b) -> b))
                            .map(r -> " (step '" + stepId + "': " + r.resolution().label() + " by " + r.by() + ")").orElse("")
                    + "; a running opsbook serve takes it up, or continue it with opsbook resume " + runId);
        }
        if (state.status() != RunStatus.NEEDS_ATTENTION || attention.isEmpty()) {
            throw new Refused("run " + runId + " of " + run.runbookId() + " is " + state.status().label()
                    + ", not needing attention: only a step that was interrupted and may not run again on its own can be resolved"
                    + " (opsbook runs --status needs-attention lists those runs)");
        }
        Optional<StepExecution> step = attention.stream().filter(x -> x.stepId().equals(stepId) || x.key().equals(stepId)).findFirst();
        if (step.isEmpty()) {
            throw new Refused("step '" + stepId + "' of run " + runId + " does not need attention; "
                    + String.join(", ", attention.stream().map(x -> "'" + x.stepId() + "'").toList()) + " "
                    + (attention.size() == 1 ? "does" : "do"));
        }
        try {
            RunAppends.checked(store, runId, events, new RunEvent.StepResolved(clock.instant(), step.get().key(), resolution, by, comment));
        } catch (RuntimeException e) {
            throw new Refused("run " + runId + " changed while it was being resolved (" + e.getMessage() + "); look at it with opsbook show " + runId);
        }
    }
}
