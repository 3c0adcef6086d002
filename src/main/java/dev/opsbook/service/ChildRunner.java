package dev.opsbook.service;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.opsbook.engine.ChildRuns;
import dev.opsbook.engine.ParameterBinding;
import dev.opsbook.engine.RunEvent;
import dev.opsbook.engine.RunOutputs;
import dev.opsbook.engine.RunRequest;
import dev.opsbook.engine.RunState;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.engine.StepExecution;
import dev.opsbook.engine.StepStatus;
import dev.opsbook.expression.ExpressionException;
import dev.opsbook.graph.LoadedRunbook;
import dev.opsbook.graph.RunbookCatalog;
import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.graph.SubRunbooks;
import dev.opsbook.store.CancelRequest;
import dev.opsbook.store.RunStore;
import dev.opsbook.store.StoredRun;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The {@link ChildRuns} of a process with a store ({@code opsbook run}, {@code resume}, {@code serve}): a child run is
 * started by the {@link Host} as a run of its own, under the id the parent's step execution gives it, and followed in
 * the store until it stops. A step run again finds its child there: one child per step execution, whoever runs it.
 */
public final class ChildRunner implements ChildRuns {

    /** How the process that runs the parent runs a child, on a thread of its own, stored like any run. */
    public interface Host {
        /** Starts the child run and returns true once it is stored, or throws; false when there is no room for it yet. */
        boolean start(String childRunId, LoadedRunbook child, RunRequest request) throws Exception;

        /** Goes on with a stored child that a person answered, on a thread of its own, when this process can take it up. */
        void resume(StoredRun child, List<RunEvent> history);

        /** Cancels a child this process runs; false when it runs no such run. */
        boolean cancelHere(String childRunId, String reason);

        /** Whether a child running elsewhere (taken over by another instance) is followed; else the step fails and says so. */
        boolean followsOthers();

        /** Whether this process runs that run now. */
        boolean runsHere(String childRunId);
    }

    private static final long POLL_MS = 200;

    private final RunStore store;
    private final RunbookLoader loader;
    private final RunbookCatalog catalog;
    private final Host host;
    private final Clock clock;

    public ChildRunner(RunStore store, RunbookLoader loader, RunbookCatalog catalog, Host host, Clock clock) {
        this.store = store;
        this.loader = loader;
        this.catalog = catalog;
        this.host = host;
        this.clock = clock;
    }

    /**
     * //why: the store is read and written on a thread of its own, never on the step's: a step is stopped by interrupting
     * its thread, and an interrupt in the middle of H2's file I/O closes the database for every run of the process
     */
    @Override
    public Child run(Call call) throws Refused, InterruptedException {
        String childId = call.childRunId();
        AtomicReference<String> stop = new AtomicReference<>();
        CompletableFuture<Child> done = onItsOwnThread("opsbook-child-" + childId, () -> {
            if (store.run(childId).isEmpty()) {
                start(call, childId, stop);
            }
            return follow(childId, stop);
        });
        try {
            return done.get();
        } catch (InterruptedException e) {
            stop.set("its parent run " + call.parentRunId() + " stopped its step '" + call.stepKey() + "'");
            long until = System.nanoTime() + 12_000_000_000L;
            while (!done.isDone() && System.nanoTime() < until) {
                try {
                    done.get(100, TimeUnit.MILLISECONDS);
                } catch (InterruptedException | ExecutionException | TimeoutException ignored) {
                    // waiting a while for the child to stop, whatever interrupts the step's thread meanwhile
                }
            }
            throw e;
        } catch (ExecutionException e) {
            throw refusal(e, "child run " + childId + " could not be followed");
        }
    }

    /**
     * Undoes the child: appends {@link RunEvent.RollbackRequested} to it once (a succeeded child only), takes it up as a
     * resumed run, and follows it until its rollbacks ended; on the store's own thread, as {@link #run} does.
     */
    @Override
    public Child rollBack(Call call, String reason) throws Refused, InterruptedException {
        String childId = call.childRunId();
        CompletableFuture<Child> done = onItsOwnThread("opsbook-child-undo-" + childId, () -> {
            ChildUndoing.request(store, host, childId, call.startedBy(), reason, clock);
            Child ended = follow(childId, new AtomicReference<>());
            return ChildUndoing.summary(ended, RunState.fold(store.events(childId)));
        });
        try {
            return done.get();
        } catch (ExecutionException e) {
            throw refusal(e, "child run " + childId + " could not be rolled back");
        }
    }

    /** Does {@code work} on a daemon thread of its own (the store's, see {@link #run}); its outcome completes the future. */
    private static CompletableFuture<Child> onItsOwnThread(String name, java.util.concurrent.Callable<Child> work) {
        CompletableFuture<Child> done = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                done.complete(work.call());
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
        return done;
    }

    /** The refusal a failed follower ended with, or one that says {@code what} could not be done and why. */
    private static Refused refusal(ExecutionException e, String what) {
        return e.getCause() instanceof Refused refused ? refused : new Refused(what + ": " + e.getCause());
    }

    private void start(Call call, String childId, AtomicReference<String> stop) throws Refused {
        StoredRun parent = store.run(call.parentRunId()).orElseThrow(() -> new Refused("the parent run " + call.parentRunId()
                + " is not in the store; a runbook step needs its run stored (run it without --no-store)"));
        int depth = 1;
        for (String[] above = ChildRuns.parentOf(parent.startedBy()); above != null; depth++) {
            above = store.run(above[0]).map(r -> ChildRuns.parentOf(r.startedBy())).orElse(null);
        }
        if (depth > SubRunbooks.MAX_DEPTH) {
            throw new Refused("child runs nest deeper than " + SubRunbooks.MAX_DEPTH + " levels at run " + call.parentRunId());
        }
        Optional<LoadedRunbook> found = call.byPath() ? catalog.byPath(parent.runbookFile(), call.reference()) : catalog.byId(call.reference());
        LoadedRunbook child = found.orElseThrow(() -> new Refused("no runbook " + (call.byPath()
                ? "file " + RunbookCatalog.resolve(parent.runbookFile(), call.reference()) : "with id '" + call.reference() + "'")
                + " to run as a child run"));
        LoadedRunbook checked = SubRunbooks.check(child, catalog);
        if (checked.hasErrors()) {
            throw new Refused("runbook " + child.runbook().id() + " cannot run: " + checked.errors().get(0)
                    + (checked.errors().size() > 1 ? " (and " + (checked.errors().size() - 1) + " more; opsbook validate says all)" : ""));
        }
        ParameterBinding.Bound bound = ParameterBinding.bind(child.runbook(), call.params());
        if (!bound.ok()) {
            throw new Refused("runbook " + child.runbook().id() + " refuses its parameters: " + String.join("; ", bound.problems()));
        }
        // //why: a drill's child is a drill of the same game day, so it too never acts on AWS unless the scenario is live
        RunRequest request = new RunRequest(child, call.params(), call.startedBy(), ChildRuns.TRIGGER, call.interaction(),
                Optional.empty(), call.workingDirectory(), Optional.empty(), parent.drill(), parent.incident()); // and of its incident
        try {
            // //why: the host may have no room for the child yet (serve's --max-runs); the parent's step waits for it, until stopped
            while (!host.start(childId, child, request)) {
                if (stop.get() != null) {
                    break;
                }
                Thread.sleep(POLL_MS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            if (store.run(childId).isEmpty()) {
                throw new Refused("child run " + childId + " of " + child.runbook().id() + " could not start: " + e.getMessage());
            }
        }
        if (stop.get() != null && store.run(childId).isEmpty()) {
            throw new Refused("child run " + childId + " did not start: " + stop.get() + " while it waited for room");
        }
    }

    /** Follows the child in the store until it stops; once {@code stop} says why, cancels it. */
    private Child follow(String childId, AtomicReference<String> stop) throws Refused, InterruptedException {
        long storedBy = System.nanoTime() + 30_000_000_000L;
        int resumedAt = -1;
        while (true) {
            Optional<StoredRun> row = store.run(childId);
            if (row.isPresent()) {
                List<RunEvent> events = store.events(childId);
                RunState state = RunState.fold(events);
                if (state.status() == RunStatus.WAITING && Approvals.resumable(events)) {
                    if (resumedAt != events.size()) {
                        resumedAt = events.size();
                        host.resume(row.get(), events);
                    }
                } else if (state.status() == RunStatus.RUNNING) {
                    if (!host.followsOthers() && !host.runsHere(childId)) {
                        throw new Refused("child run " + childId + " is running in another process, or was cut off when its process"
                                + " stopped; look at it with opsbook show " + childId);
                    }
                } else {
                    return ended(row.get(), state);
                }
            } else if (System.nanoTime() > storedBy) {
                throw new Refused("child run " + childId + " was not stored within 30 s");
            }
            if (stop.get() != null) {
                cancel(childId, stop.get());
                return ended(store.run(childId).orElseThrow(), RunState.fold(store.events(childId)));
            }
            Thread.sleep(POLL_MS);
        }
    }

    private Child ended(StoredRun row, RunState state) {
        String message = state.message();
        if (state.status() == RunStatus.WAITING) {
            String waiting = String.join(", ", state.executions().values().stream().filter(x -> x.status() == StepStatus.WAITING)
                    .map(StepExecution::stepId).toList());
            message = message + "; answer it there: opsbook approve " + row.id() + " " + waiting
                    + " (or on its run page), and this run goes on with it";
        }
        if (state.status() != RunStatus.SUCCEEDED) {
            return new Child(row.id(), row.runbookId(), state.status(), message, JsonNodeFactory.instance.objectNode());
        }
        try {
            LoadedRunbook runbook = loader.load(row.runbookFile(), store.runbookText(row.id()).orElse(""));
            return new Child(row.id(), row.runbookId(), state.status(), message, RunOutputs.of(runbook.runbook(), state));
        } catch (ExpressionException e) {
            return new Child(row.id(), row.runbookId(), RunStatus.FAILED, "its outputs cannot be read: " + e.getMessage(),
                    JsonNodeFactory.instance.objectNode());
        }
    }

    /**
     * Cancels a child run and, through its own steps, its children: here when this process runs it, at once when it
     * waits (nothing runs it), else by a request the instance running it picks up. Waits a little for it to stop.
     */
    void cancel(String childId, String why) {
        if (!host.cancelHere(childId, why)) {
            cancelStored(store, childId, why, clock);
        }
        // //why: the parent's step is stopped by interrupts, more than one; the child's end is waited for all the same, a while
        long until = System.nanoTime() + 10_000_000_000L;
        boolean interrupted = false;
        while (System.nanoTime() < until && store.run(childId).map(r -> r.status() == RunStatus.RUNNING).orElse(false)) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A run this process does not run, cancelled through the store: a waiting one at once (and its waiting children),
     * a running one by a cancel request.
     */
    static void cancelStored(RunStore store, String runId, String why, Clock clock) {
        Optional<StoredRun> run = store.run(runId);
        if (run.isEmpty()) {
            return;
        }
        if (run.get().status() == RunStatus.WAITING) {
            List<RunEvent> events = store.events(runId);
            try {
                RunAppends.checked(store, runId, RunAppends.checked(store, runId, events, new RunEvent.CancelRequested(clock.instant(), why)),
                        new RunEvent.RunFinished(clock.instant(), RunStatus.CANCELLED, why));
            } catch (IllegalStateException e) {
                store.requestCancel(new CancelRequest(runId, clock.instant(), "opsbook", why));
                return;
            }
            cancelWaitingChildren(store, runId, events, why, clock);
        } else if (run.get().status() == RunStatus.RUNNING) {
            store.requestCancel(new CancelRequest(runId, clock.instant(), "opsbook", why));
        }
    }

    /** The children of a waiting run that was just cancelled, which wait too: cancelled alike. */
    static void cancelWaitingChildren(RunStore store, String runId, List<RunEvent> events, String why, Clock clock) {
        RunState state = RunState.fold(events);
        for (StepExecution execution : state.executions().values()) {
            if (execution.status() == StepStatus.WAITING && isRunbookStep(store, runId, execution)) {
                cancelStored(store, ChildRuns.childRunId(runId, execution.key()), "its parent run " + runId + " was " + why, clock);
            }
        }
    }

    private static boolean isRunbookStep(RunStore store, String runId, StepExecution execution) {
        return execution.input() != null && (execution.input().has("runbook") || execution.input().has("path"))
                && store.run(ChildRuns.childRunId(runId, execution.key())).isPresent();
    }
}
