package dev.opsbook.service;

import dev.opsbook.engine.RunControl;
import dev.opsbook.engine.RunEvent;
import dev.opsbook.engine.RunRequest;
import dev.opsbook.graph.LoadedRunbook;
import dev.opsbook.store.RunStore;
import dev.opsbook.store.StoredRun;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * The children of serve's runs: runs of this instance's pool like any other, each held by a lease (so they are taken
 * over, drained and cancelled as any run). A child does not take a slot of {@code --max-runs}, since its parent holds
 * one while it waits for it (a full pool would wait for itself); instead each level of nesting has {@code --max-runs}
 * slots of its own: at most that many children of top runs run here at once, that many grandchildren, and so on. A child
 * with no room waits, and its parent's step with it, however many items a for-each fans out at once. //why: per level,
 * not one count for all: a child waiting for room for its own child would otherwise hold the room that child needs.
 */
final class PoolChildren implements ChildRunner.Host {

    private final RunStore store;
    private final RunPool pool;
    private final Clock clock;
    private final String instance;

    PoolChildren(RunStore store, RunPool pool, Clock clock, String instance) {
        this.store = store;
        this.pool = pool;
        this.clock = clock;
        this.instance = instance;
    }

    @Override
    public boolean start(String childRunId, LoadedRunbook child, RunRequest request) throws Exception {
        StoringListener storing;
        synchronized (this) {
            long depth = level(childRunId);
            if (pool.ids().stream().filter(id -> level(id) == depth).count() >= pool.maxConcurrentRuns()) {
                return false;
            }
            storing = StoringListener.forNewRun(store, child.runbook(), Optional.empty(), Optional.empty(), Optional.of(pool.newLease()));
            pool.execute(childRunId, child, request, Optional.empty(), storing);
        }
        if (!storing.awaitCreated(30_000)) {
            throw new IllegalStateException("the child run was not stored within 30 s");
        }
        return true;
    }

    /** How deep a run nests: 0 for a top run, 1 for its child... (a child's id is its parent's, a dot, the step's key). */
    static long level(String runId) {
        return runId.chars().filter(c -> c == '.').count();
    }

    @Override
    public void resume(StoredRun child, List<RunEvent> history) {
        try (RunPool.Launch launch = pool.launching(child.id())) { // before its lease is written: see Resumptions
            Optional<List<RunEvent>> claimed = Approvals.claim(store, child.id(), history,
                    new RunEvent.RunResumed(clock.instant(), "opsbook serve (" + instance + "), for its parent run"), Optional.of(pool.newLease()));
            if (claimed.isEmpty()) {
                return; // serve's resumer, here or elsewhere, took it up
            }
            List<RunEvent> events = claimed.get();
            pool.goOn(child, events, events, request -> (engine, listeners, control) ->
                    engine.resume(request, events, "opsbook serve", listeners, control));
        }
    }

    @Override
    public boolean cancelHere(String childRunId, String reason) {
        Optional<RunControl> control = pool.control(childRunId);
        control.ifPresent(c -> c.cancel(reason));
        return control.isPresent();
    }

    @Override
    public boolean followsOthers() {
        return true;
    }

    @Override
    public boolean runsHere(String childRunId) {
        return pool.holds(childRunId);
    }
}
