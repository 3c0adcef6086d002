package dev.opsbook.service;

import dev.opsbook.audit.AuditFact;
import dev.opsbook.audit.AuditFacts;
import dev.opsbook.engine.RunEvent;
import dev.opsbook.engine.RunListener;
import dev.opsbook.engine.RunState;
import dev.opsbook.store.Lease;
import dev.opsbook.store.LeaseLost;
import dev.opsbook.store.RunStore;
import dev.opsbook.store.StoredRun;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes each event of a run to the store as it happens, so the run survives the process: the
 * start creates the run's row; every later event is appended in order, each with the entry it
 * makes in the run's audit chain ({@link AuditFacts}), in the same transaction.
 */
public final class StoringListener implements RunListener {

    private final RunStore store;
    private final String runbookText;
    private final String runbookFile;
    private final Optional<String> eventId;
    private final Optional<String> concurrencyKey;
    private final AtomicLong seq;
    private final CountDownLatch created = new CountDownLatch(1);
    private final Optional<Lease> lease;
    private final Optional<String> holder;
    private final Optional<dev.opsbook.runbook.Runbook> runbook;
    private volatile RuntimeException createFailure;
    private volatile String fenced;

    private StoringListener(RunStore store, String runbookText, String runbookFile, Optional<String> eventId,
                            Optional<String> concurrencyKey, long lastSeq, Optional<Lease> lease, Optional<String> holder,
                            Optional<dev.opsbook.runbook.Runbook> runbook) {
        this.store = store;
        this.runbook = runbook;
        this.lease = lease;
        this.holder = holder;
        this.runbookText = runbookText;
        this.runbookFile = runbookFile;
        this.eventId = eventId;
        this.concurrencyKey = concurrencyKey;
        this.seq = new AtomicLong(lastSeq);
        if (lastSeq > 0) {
            created.countDown();
        }
    }

    /** For a new run. */
    public static StoringListener forNewRun(RunStore store, dev.opsbook.runbook.Runbook runbook, Optional<String> eventId,
                                            Optional<String> concurrencyKey) {
        return forNewRun(store, runbook, eventId, concurrencyKey, Optional.empty());
    }

    /** For a new run held by {@code lease} (serve): every later event is written only while that lease is still this instance's. */
    public static StoringListener forNewRun(RunStore store, dev.opsbook.runbook.Runbook runbook, Optional<String> eventId,
                                            Optional<String> concurrencyKey, Optional<Lease> lease) {
        // //why: the engine masks secrets in every event before listeners hear it; the runbook's own text may hold a secret's default
        return new StoringListener(store, dev.opsbook.runbook.SecretDefaults.masked(runbook), runbook.file(), eventId, concurrencyKey, 0,
                lease, lease.map(Lease::owner), Optional.of(runbook));
    }

    /** For a run that already has {@code lastSeq} stored events. */
    public static StoringListener continuing(RunStore store, long lastSeq) {
        return continuing(store, lastSeq, Optional.empty());
    }

    /** For a run that already has {@code lastSeq} stored events, written only while {@code holder} holds its lease. */
    public static StoringListener continuing(RunStore store, long lastSeq, Optional<String> holder) {
        return new StoringListener(store, "", "", Optional.empty(), Optional.empty(), lastSeq, Optional.empty(), holder,
                Optional.empty());
    }

    /**
     * From now on nothing is written: this instance no longer holds the run (its lease was lost, or
     * it let the run go while draining). Each later event fails with {@link LeaseLost}, which ends the run here.
     */
    public void fence(String why) {
        fenced = why;
    }

    /** The number of events stored so far. */
    public long lastSeq() {
        return seq.get();
    }

    @Override
    public void on(RunEvent event, RunState state) {
        if (fenced != null) {
            throw new LeaseLost("run " + state.runId() + ": " + fenced);
        }
        if (event instanceof RunEvent.RunStarted started) {
            try {
                store.create(new StoredRun(started.runId(), started.runbookId(), runbookFile, started.contentHash(), state.status(),
                        started.trigger(), started.startedBy(), eventId, concurrencyKey, started.at(), Optional.empty(), "", ""),
                        runbookText, started, lease, audit(event, state));
            } catch (RuntimeException e) {
                createFailure = e;
                created.countDown();
                throw e;
            }
            seq.incrementAndGet();
            created.countDown();
        } else {
            // //why: the seq counts only what was stored, so a refused event is not skipped over by the next one
            store.append(state.runId(), seq.get() + 1, event, holder, Optional.empty(), audit(event, state));
            seq.incrementAndGet();
        }
    }

    /**
     * Stores the events in one transaction (a start first, on its own: it creates the run's row), each with its audit
     * entry, so that a step's end and the next step's start cost one commit. Durable when this returns.
     */
    @Override
    public void onAll(java.util.List<Heard> heard) {
        java.util.List<dev.opsbook.store.RunLog.Appending> appending = new java.util.ArrayList<>();
        String runId = null;
        for (Heard one : heard) {
            if (one.event() instanceof RunEvent.RunStarted) {
                on(one.event(), one.state());
                continue;
            }
            if (fenced != null) {
                throw new LeaseLost("run " + one.state().runId() + ": " + fenced);
            }
            runId = one.state().runId();
            appending.add(new dev.opsbook.store.RunLog.Appending(seq.get() + appending.size() + 1, one.event(), audit(one.event(), one.state())));
        }
        if (!appending.isEmpty()) {
            // //why: the seq counts only what was stored, so a refused batch is not skipped over by the next one
            store.appendAll(runId, appending, holder);
            seq.addAndGet(appending.size());
        }
    }

    // //why: only the start needs the runbook (its source, its secret parameters); a continuing run's start is stored already
    private Optional<AuditFact> audit(RunEvent event, RunState state) {
        return runbook.isPresent() ? AuditFacts.of(event, state, runbook.get()) : AuditFacts.of(event, state, runbookFile, name -> false);
    }

    /** Waits until the run's row exists: only then may the event that started it be acknowledged. */
    public boolean awaitCreated(long millis) throws InterruptedException {
        boolean done = created.await(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
        if (createFailure != null) {
            throw createFailure;
        }
        return done;
    }
}
