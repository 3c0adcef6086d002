package dev.opsbook.store;

import dev.opsbook.engine.RunEvent;
import dev.opsbook.engine.RunStatus;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The runs: each one's summary row (with the runbook's text as it was run) and its events in
 * order. The state is their fold, so a run can be resumed or rendered from here alone.
 * Thread-safe.
 */
public interface RunLog {

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
     * Appends the run's next event: only right after the last stored one ({@code seq - 1}); else
     * {@link IllegalStateException}, and {@link IllegalArgumentException} for an unknown run. Any
     * event but a start is taken: whoever appends checks first that the run's status takes it
     * ({@link dev.opsbook.engine.RunTransitions}); the row's status becomes the one it leads to.
     *
     * @param holder when present, the event is taken only while this instance holds the run's lease
     *        ({@link LeaseLost} otherwise): an instance that lost a run cannot write to it
     * @param lease for {@link RunEvent.RunResumed} and {@link RunEvent.RunRestarted}: who holds the
     *        run from now on (none: a terminal)
     */
    void append(String runId, long seq, RunEvent event, Optional<String> holder, Optional<Lease> lease);

    /**
     * Appends the run's next event with the entry it makes in the run's audit chain ({@code audit}, empty when
     * it makes none), in one transaction: fenced alike, so an instance that lost the lease writes neither.
     * The other {@code append}s derive the entry from the stored history.
     */
    void append(String runId, long seq, RunEvent event, Optional<String> holder, Optional<Lease> lease,
                Optional<dev.opsbook.audit.AuditFact> audit);

    /** One of several events appended together ({@link #appendAll}): its seq, the event, and its audit entry (empty: none). */
    record Appending(long seq, RunEvent event, Optional<dev.opsbook.audit.AuditFact> audit) {
    }

    /**
     * Appends several of the run's next events in order, each with its audit entry, in one transaction: all of them or
     * none, fenced and checked as {@link #append(String, long, RunEvent, Optional, Optional, Optional)} is for each.
     * //why: one commit for a step's end and the next step's start instead of one per event (the store's cost per step)
     */
    void appendAll(String runId, List<Appending> events, Optional<String> holder);

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

    /** Runs of a runbook started at or after {@code since}, whatever their status: the hourly limit counts these. */
    long runsStartedSince(String runbookId, Instant since);

    /** Runs of a runbook with this concurrency key that have not finished (running, waiting or needing attention). */
    long activeRuns(String runbookId, String concurrencyKey);

    /** Runs in this status, across runbooks: waiting approvals are {@code countRuns(WAITING)}. Also proves the store answers. */
    long countRuns(RunStatus status);

    /** How far each of these runs has come, in one read of their rows; runs not stored are left out. */
    Map<String, RunHead> heads(Collection<String> runIds);

    /**
     * Tells {@code observer} of each event stored through this object (the start included), once
     * its transaction has committed, on the writer's thread: the live run pages of {@code serve} hear
     * of their run's events from here. One observer; a later call replaces it. It must return at once.
     */
    void whenStored(Consumer<RunHead> observer);
}
