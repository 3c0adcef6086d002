package dev.opsbook.service;

import dev.opsbook.engine.Interaction;
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

    private final RunStore store;
    private final RunbookLoader loader;
    private final Supplier<List<LoadedRunbook>> runbooks;
    private final Executions executions;
    private final StepExecutors executors;
    private final Clock clock;
    private final Path recordDir;

    RunOperations(RunStore store, RunbookLoader loader, Supplier<List<LoadedRunbook>> runbooks, Executions executions,
                  StepExecutors executors, Clock clock, Path recordDir) {
        this.store = store;
        this.loader = loader;
        this.runbooks = runbooks;
        this.executions = executions;
        this.executors = executors;
        this.clock = clock;
        this.recordDir = recordDir;
    }

    public RunStore store() {
        return store;
    }

    public RunbookLoader loader() {
        return loader;
    }

    public Clock clock() {
        return clock;
    }

    public Path recordDir() {
        return recordDir;
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
     */
    public String launch(LoadedRunbook runbook, Map<String, String> params, String by) throws InvalidRunException {
        ParameterBinding.Bound bound = ParameterBinding.bind(runbook.runbook(), params);
        if (!bound.ok()) {
            throw new InvalidRunException(bound.problems());
        }
        if (runbook.hasErrors()) {
            throw new InvalidRunException(runbook.errors().stream().map(Object::toString).toList());
        }
        String runId = RunIds.from(clock).get();
        StoringListener storing = StoringListener.forNewRun(store, runbook.runbook(), Optional.empty(), Optional.empty());
        RunRequest request = new RunRequest(runbook, params, by, "api", Interaction.NOBODY, Optional.empty(), Path.of("").toAbsolutePath());
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
            try {
                String why = "cancelled by " + by + (reason.isBlank() ? "" : ": " + reason);
                store.append(runId, events.size() + 1, new RunEvent.CancelRequested(clock.instant(), why));
                store.append(runId, events.size() + 2, new RunEvent.RunFinished(clock.instant(), RunStatus.CANCELLED, why));
                return RunStatus.CANCELLED;
            } catch (RuntimeException e) {
                // //why: it was resumed or answered at this very moment: then it runs somewhere, and the request below reaches it
                run = store.run(runId).orElseThrow();
            }
        }
        if (run.status() != RunStatus.RUNNING) {
            throw new Refused("run " + runId + " is " + run.status().label() + "; only a running or waiting run can be cancelled", true);
        }
        store.requestCancel(new CancelRequest(runId, clock.instant(), by, reason));
        return RunStatus.RUNNING;
    }

    /** Answers a waiting step: the service resumes the run on its next tick. */
    public void answer(String runId, String stepId, boolean confirmed, String by, String comment) throws Approvals.Refused {
        Approvals.answer(store, runId, stepId, confirmed, by, comment, "api", clock);
    }

    /** The run's state, from its stored history. */
    public Optional<RunState> state(String runId) {
        List<RunEvent> events = store.events(runId);
        return events.isEmpty() ? Optional.empty() : Optional.of(RunState.fold(events));
    }

}
