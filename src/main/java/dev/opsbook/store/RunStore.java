package dev.opsbook.store;

import dev.opsbook.engine.RunEvent;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Where runs live between processes. A run is its summary row plus its events in order (the
 * state is their fold, so a run can be resumed or rendered from the store alone). Events
 * received from outside are kept too, keyed by their id: claiming an id twice fails, which is
 * what makes one event start at most one run. Implementations are thread-safe.
 */
public interface RunStore extends AutoCloseable {

    /** Stores a new run: its row (with the runbook's text as it was run) and its first event. */
    default void create(StoredRun run, String runbookText, RunEvent.RunStarted started) {
        create(run, runbookText, started, Optional.empty());
    }

    /** Stores a new run held by {@code lease} when one is given (serve), else by nobody (a terminal). */
    void create(StoredRun run, String runbookText, RunEvent.RunStarted started, Optional<Lease> lease);

    /**
     * Stores a new run like {@link #create(StoredRun, String, RunEvent.RunStarted, Optional)}, with the
     * first entry of its audit chain ({@code dev.opsbook.audit.AuditFacts}) in the same transaction. Without
     * it, the store derives the entry from the event.
     */
    void create(StoredRun run, String runbookText, RunEvent.RunStarted started, Optional<Lease> lease,
                Optional<dev.opsbook.audit.AuditFact> audit);

    /** Appends the run's next event ({@code seq} counts from 1, the start event) and updates its row. */
    default void append(String runId, long seq, RunEvent event) {
        append(runId, seq, event, Optional.empty(), Optional.empty());
    }

    /**
     * Appends the run's next event.
     *
     * @param holder when present, the event is taken only while this instance holds the run's lease
     *        ({@link LeaseLost} otherwise): an instance that lost a run cannot write to it
     * @param lease for {@link RunEvent.RunResumed}: who holds the run from now on (none: a terminal)
     */
    void append(String runId, long seq, RunEvent event, Optional<String> holder, Optional<Lease> lease);

    /**
     * Appends the run's next event with the entry it makes in the run's audit chain ({@code audit}, empty when
     * it makes none), in one transaction: fenced alike, so an instance that lost the lease writes neither.
     * The other {@code append}s derive the entry from the stored history.
     */
    void append(String runId, long seq, RunEvent event, Optional<String> holder, Optional<Lease> lease,
                Optional<dev.opsbook.audit.AuditFact> audit);

    // ---- leases: several instances on one store ----------------------------------------------

    /** Who holds a run, if anyone; an expiry in the past means it is free to take over. */
    Optional<Lease> lease(String runId);

    /** The heartbeat: pushes each lease {@code owner} holds on a running run to {@code expiresAt}; returns those runs. */
    Set<String> renewLeases(String owner, Instant expiresAt);

    /** Takes over one running run whose lease expired before {@code now}, if there is one; one instance wins each run. */
    Optional<Takeover> takeOverExpired(String owner, Instant now, Instant expiresAt);

    /** Lets a run go at once (its lease expires), so another instance takes it over. False when {@code owner} did not hold it. */
    boolean releaseLease(String runId, String owner);

    /** Says this instance (and its process) is alive at {@code now}; returns the other instances seen since {@code aliveSince}. */
    List<EngineInstance> registerInstance(EngineInstance self, Instant now, Instant aliveSince);

    void unregisterInstance(String name);

    /** Whether several engine instances may share this store (PostgreSQL); the embedded H2 store serves one. */
    boolean multiInstance();

    /** Held while a run for a concurrency key is checked and created, so two instances cannot both start one. */
    interface KeyLock extends AutoCloseable {
        @Override
        void close();
    }

    KeyLock lockConcurrencyKey(String runbookId, String key);

    Optional<StoredRun> run(String runId);

    /** The runbook text the run was started with. */
    Optional<String> runbookText(String runId);

    List<StoredRun> runs(RunQuery query);

    /**
     * Waiting runs a person answered that no process has taken up yet (their last event is an
     * answer), and runs that needed attention whose last event is a person's resolution, oldest
     * first, however many runs wait unanswered.
     */
    List<StoredRun> answeredRuns(int limit);

    List<RunEvent> events(String runId);

    /**
     * Records an event received from outside, unless one with the same id was recorded before.
     *
     * @return false when the id is already known: the event was delivered again
     */
    boolean claim(ReceivedEvent event);

    /**
     * Records an event and claims it for {@code claimant} until {@code expiresAt}, unless its id is
     * known: like {@link #claim(ReceivedEvent)}, for an event whose runs are about to start.
     */
    boolean claim(ReceivedEvent event, String claimant, Instant expiresAt);

    /**
     * Takes up an event that was claimed but never settled, when its claim expired (its claimant
     * stopped) or {@code claimant} itself held it (a restarted instance of the same name).
     *
     * @return false when it is settled, or another instance's claim on it still holds
     */
    boolean reclaim(String eventId, String claimant, Instant now, Instant expiresAt);

    /** The runs an event started, whatever became of the claim (at most one per runbook). */
    List<StoredRun> runsOfEvent(String eventId);

    /** Says how a claimed event ended: which runs it started, or why it started none. */
    void settle(String eventId, EventOutcome outcome, String reason, List<String> runIds);

    Optional<ReceivedEvent> receivedEvent(String eventId);

    List<ReceivedEvent> receivedEvents(int limit);

    /** Runs of a runbook started at or after {@code since}, whatever their status: the hourly limit counts these. */
    long runsStartedSince(String runbookId, Instant since);

    /** Runs of a runbook with this concurrency key that have not finished (running, waiting or needing attention). */
    long activeRuns(String runbookId, String concurrencyKey);

    /** Runs in this status, across runbooks: waiting approvals are {@code countRuns(WAITING)}. Also proves the store answers. */
    long countRuns(dev.opsbook.engine.RunStatus status);

    /**
     * Asks that a running run be cancelled, whichever process runs it: that process finds the
     * request on its next tick ({@link #cancelRequestsOfRunningRuns}).
     *
     * @return false when it was asked before
     */
    boolean requestCancel(CancelRequest request);

    /** Cancellation requests for runs that are still running. */
    List<CancelRequest> cancelRequestsOfRunningRuns();

    /** Cancellation requests for runs that stopped at a person's step before the instance running them saw the request. */
    List<CancelRequest> cancelRequestsOfWaitingRuns();

    /** The seals of audit trails (count and last hash of each), kept in the same database. */
    dev.opsbook.audit.AuditSeals auditSeals();

    /** The audit trails kept in the same database: each run's chain, written with its events, and each instance's access trail. */
    dev.opsbook.audit.AuditChains auditChains();

    /** The API tokens kept in the same database. */
    dev.opsbook.access.TokenStore tokens();

    /**
     * Whether this caller is the one to send the escalation {@code key} now: true, and noted, when it
     * was never sent or last sent before {@code notBefore}; false when someone (any instance) sent it
     * since. Decided in the database, so several instances send each escalation once.
     */
    boolean escalateOnce(String key, Instant now, Instant notBefore);

    /** A description for people: "H2 file ./.opsbook/store (single instance)", "PostgreSQL db at host". */
    String describe();

    @Override
    void close();
}
