package dev.opsbook.service;

import dev.opsbook.engine.InvalidRunException;
import dev.opsbook.engine.ParameterBinding;
import dev.opsbook.engine.Plan;
import dev.opsbook.engine.RunEvent;
import dev.opsbook.engine.RunIds;
import dev.opsbook.engine.RunRequest;
import dev.opsbook.engine.RunState;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.engine.StepExecutors;
import dev.opsbook.graph.LoadedRunbook;
import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.store.CancelRequest;
import dev.opsbook.store.RunStore;
import dev.opsbook.store.StoredRun;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What people do to runs through the service (the REST API, the web pages): launch, cancel,
 * answer a waiting step, resume a failed run from a step. Each works from any instance: what is
 * not done here is asked through the store.
 */
public final class RunOperations {

    /** Runs a run in this instance's pool: new when {@code history} is empty, else from that history. */
    interface Executions {
        void execute(String runId, LoadedRunbook runbook, RunRequest request, Optional<List<RunEvent>> history, StoringListener storing);

        /** How many more runs this instance takes on now (--max-runs, none while draining). */
        int room();

        /** The lease a run started or restarted here is held by (serve: this instance, for a while). */
        Optional<dev.opsbook.store.Lease> lease();

        /** Marks a run as being started here until the launch closes, from before its lease is written (see {@link RunPool#launching}). */
        RunPool.Launch launching(String runId);
    }

    /** The operation cannot be done, and what to do instead; {@code conflict} when it is the run's state that forbids it. */
    public static final class Refused extends Exception {
        private final boolean conflict;

        public Refused(String message, boolean conflict) {
            super(message);
            this.conflict = conflict;
        }

        public boolean conflict() {
            return conflict;
        }
    }

    /** This instance cannot take on another run now; another instance, or a moment later, can. */
    public static final class Busy extends RuntimeException {
        public Busy(String message) {
            super(message);
        }
    }

    private final RunStore store;
    private final RunbookLoader loader;
    private final Supplier<List<LoadedRunbook>> runbooks;
    private final Executions executions;
    private final java.util.function.Predicate<String> heldHere;
    private final StepExecutors executors;
    private final Clock clock;
    private final RecordExport export;
    private final RunRecords records;
    private final RunComments comments;
    /** Where shell steps run: serve's working directory, as for runs started by events. */
    private final Path workingDirectory;

    /** @param heldHere whether this instance's pool still holds a run (it may be writing the trail and record of its stop) */
    RunOperations(RunStore store, RunbookLoader loader, Supplier<List<LoadedRunbook>> runbooks, Executions executions,
                  java.util.function.Predicate<String> heldHere, StepExecutors executors, Clock clock, RecordExport export,
                  Path workingDirectory) {
        this.workingDirectory = workingDirectory;
        this.heldHere = heldHere;
        this.store = store;
        this.loader = loader;
        this.runbooks = runbooks;
        this.executions = executions;
        this.executors = executors;
        this.clock = clock;
        this.export = export;
        this.records = new RunRecords(store, loader);
        this.comments = new RunComments(store, loader, clock, export::changed);
    }

    public RunbookLoader loader() {
        return loader;
    }

    public Clock clock() {
        return clock;
    }

    public dev.opsbook.record.RecordPlace recordDir() {
        return export.dir();
    }

    /** Records of runs, rendered from the store: what the API and the pages show. */
    public RunRecords records() {
        return records;
    }

    /** Comments on runs and their steps: listed, added, and edited or deleted by their authors. */
    public RunComments comments() {
        return comments;
    }

    /** The runbooks and playbooks the service serves now, in folder order. */
    public List<LoadedRunbook> runbooks() {
        return runbooks.get();
    }

    public Optional<LoadedRunbook> runbook(String id) {
        return runbooks.get().stream().filter(r -> r.runbook().id().equals(id)).findFirst();
    }

    /** What a run would do, nothing run. */
    public Plan plan(LoadedRunbook runbook, Map<String, String> params) throws InvalidRunException {
        return Plan.of(runbook, params, executors);
    }

    /**
     * Starts a run here; it never asks anyone at a terminal: its approvals and manual steps wait
     * in the store. Returns once the run is stored.
     *
     * @param by who launched it (a token's name and id)
     * @param trigger how, as the run's record and the run list show it: {@code api} or {@code web}
     */
    public String launch(LoadedRunbook runbook, Map<String, String> params, String by, String trigger) throws InvalidRunException {
        return launch(runbook, params, by, trigger, Optional.empty());
    }

    /** @param incident the incident id the run belongs to (checked by the caller: {@code IncidentIds}), empty for none */
    public String launch(LoadedRunbook runbook, Map<String, String> params, String by, String trigger, Optional<String> incident)
            throws InvalidRunException {
        ParameterBinding.Bound bound = ParameterBinding.bind(runbook.runbook(), params);
        if (!bound.ok()) {
            throw new InvalidRunException(bound.problems());
        }
        if (runbook.hasErrors()) {
            throw new InvalidRunException(runbook.errors().stream().map(Object::toString).toList());
        }
        if (executions.room() <= 0) {
            throw new Busy("this instance runs as many runs as it may (--max-runs) or is draining; try again shortly, or another instance");
        }
        String runId = RunIds.from(clock).get();
        StoringListener storing = StoringListener.forNewRun(store, runbook.runbook(), Optional.empty(), Optional.empty(), executions.lease());
        RunRequest request = new RunRequest(runbook, params, by, trigger, AnswerLater.INTERACTION, Optional.empty(), workingDirectory)
                .withIncident(incident);
        executions.execute(runId, runbook, request, Optional.empty(), storing);
        try {
            if (!storing.awaitCreated(30_000)) {
                throw new IllegalStateException("run " + runId + " was not stored within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while run " + runId + " started", e);
        }
        return runId;
    }

    /**
     * Cancels a run. A waiting run (nothing runs it) ends cancelled at once; a running one is asked
     * to stop through the store, and the instance running it stops it within a tick.
     *
     * @return the run's status after the request: cancelled, or still running until its instance stops it
     */
    public RunStatus cancel(String runId, String by, String reason) throws Refused {
        StoredRun run = store.run(runId).orElseThrow(() -> new Refused("no run " + runId, false));
        if (run.status() == RunStatus.WAITING) {
            List<RunEvent> events = store.events(runId);
            String why = "cancelled by " + by + (reason.isBlank() ? "" : ": " + reason);
            RunEvent requested = new RunEvent.CancelRequested(clock.instant(), why);
            RunEvent finished = new RunEvent.RunFinished(clock.instant(), RunStatus.CANCELLED, why);
            boolean appended;
            try {
                RunAppends.checked(store, runId, RunAppends.checked(store, runId, events, requested), finished);
                appended = true;
            } catch (IllegalStateException e) {
                // //why: the event was refused because the run moved on (answered and resumed, or cancelled, at this very
                // moment): if it runs somewhere, the request below reaches it. Only that refusal: any other failure is the
                // caller's to see (it once surfaced as a misleading "run ... is cancelled" when writing the record failed here).
                appended = false;
                run = store.run(runId).orElseThrow();
            }
            if (appended) {
                awaitLetGo(runId);
                ChildRunner.cancelWaitingChildren(store, runId, events, why, clock);
                recordCancelled(run);
                return RunStatus.CANCELLED;
            }
        }
        if (run.status() != RunStatus.RUNNING) {
            throw new Refused("run " + runId + " is " + run.status().label() + "; only a running or waiting run can be cancelled", true);
        }
        store.requestCancel(new CancelRequest(runId, clock.instant(), by, reason));
        return RunStatus.RUNNING;
    }

    /**
     * Resumes a failed run from {@code fromStep}, here: that step and every step after it run again,
     * with the outputs of the steps before it. Refused when a step that failed comes before it, or a
     * step before it was rolled back (its effect is undone: resume from that one).
     */
    public void restart(String runId, String fromStep, String by) throws Refused {
        StoredRun run = store.run(runId).orElseThrow(() -> new Refused("no run " + runId, false));
        if (run.status() != RunStatus.FAILED) {
            throw new Refused("run " + runId + " is " + run.status().label() + "; only a failed run can be resumed from a step"
                    + (run.status() == RunStatus.WAITING ? " (a waiting one goes on once its step is answered)" : ""), true);
        }
        LoadedRunbook runbook = loader.load(run.runbookFile(), store.runbookText(runId).orElse(""));
        if (runbook.hasErrors()) {
            throw new Refused("the runbook text run " + runId + " ran no longer loads: " + runbook.errors().get(0), true);
        }
        var graph = runbook.graph();
        if (!graph.flow().contains(fromStep)) {
            throw new Refused("run " + runId + " of " + run.runbookId() + " has no step '" + fromStep + "' to resume from; its steps are "
                    + String.join(", ", graph.flow()), false);
        }
        List<RunEvent> events = store.events(runId);
        RunState state = RunState.fold(events);
        java.util.Set<String> again = new java.util.LinkedHashSet<>();
        java.util.ArrayDeque<String> todo = new java.util.ArrayDeque<>(List.of(fromStep));
        while (!todo.isEmpty()) {
            String next = todo.poll();
            if (again.add(next)) {
                todo.addAll(graph.dependents(next));
            }
        }
        List<String> reset = new java.util.ArrayList<>();
        for (var execution : state.executions().values()) {
            boolean normal = execution.role() == dev.opsbook.engine.Role.NORMAL;
            boolean item = execution.role() == dev.opsbook.engine.Role.ITEM; // goes with its for-each step
            if ((normal || item) && again.contains(execution.stepId())) {
                reset.add(execution.key());
            } else if (item) {
                continue;
            } else if (!normal) {
                String owner = execution.forStep().orElse("");
                if (execution.role() == dev.opsbook.engine.Role.ROLLBACK && !again.contains(owner)
                        && execution.status() == dev.opsbook.engine.StepStatus.SUCCEEDED) {
                    throw new Refused("step '" + owner + "' was rolled back when run " + runId + " failed, and it comes before '" + fromStep
                            + "'; resume from '" + owner + "' or a step before it", true);
                }
                reset.add(execution.key());
            } else if (execution.status() == dev.opsbook.engine.StepStatus.FAILED
                    || execution.status() == dev.opsbook.engine.StepStatus.CANCELLED) {
                throw new Refused("step '" + execution.stepId() + "' failed and comes before '" + fromStep + "'; resume from '"
                        + execution.stepId() + "' or a step before it", true);
            }
        }
        awaitLetGo(runId);
        RunEvent.RunRestarted restarted = new RunEvent.RunRestarted(clock.instant(), by, fromStep, reset);
        try (RunPool.Launch launch = executions.launching(runId)) {
            List<RunEvent> history;
            try {
                history = RunAppends.checked(store, runId, events, restarted, Optional.empty(), executions.lease());
            } catch (RuntimeException e) {
                throw new Refused("run " + runId + " was resumed by someone else at the same moment", true);
            }
            RunRequest request = new RunRequest(runbook, Map.of(), by, run.trigger(), AnswerLater.INTERACTION, Optional.empty(), workingDirectory);
            executions.execute(runId, runbook, request, Optional.of(history), StoringListener.continuing(store, history.size(), executions.lease().map(dev.opsbook.store.Lease::owner)));
        }
    }

    /**
     * //why: the store says "waiting" before the engine that stopped there has written the last
     * entry of its trail and its record; writing them here before it lets go would break the chain
     */
    private void awaitLetGo(String runId) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (heldHere.test(runId) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** No process runs a waiting run: its record and trail file are brought up to date here, from the store. */
    private void recordCancelled(StoredRun run) {
        export.write(run.id());
    }

    /** Answers a waiting step: the service resumes the run on its next tick. */
    public void answer(String runId, String stepId, boolean confirmed, String by, String comment) throws Approvals.Refused {
        Approvals.answer(store, loader, runId, stepId, confirmed, by, comment, "api", clock);
    }

    /** Acknowledges what the run escalates for now ({@link Acknowledgements}); {@code how} is {@code api} or {@code web}. */
    public String acknowledge(String runId, String by, String how) throws Approvals.Refused {
        String acknowledged = Acknowledgements.acknowledge(store, runId, by, how, clock);
        export.changed(runId); // //why: the record says who acknowledged; no run event follows to write it
        return acknowledged;
    }

    /** The run's state, from its stored history. */
    public Optional<RunState> state(String runId) {
        List<RunEvent> events = store.events(runId);
        return events.isEmpty() ? Optional.empty() : Optional.of(RunState.fold(events));
    }

}
