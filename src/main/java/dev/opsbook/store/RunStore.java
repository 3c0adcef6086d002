package dev.opsbook.store;

import dev.opsbook.engine.RunEvent;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where runs live between processes. A run is its summary row plus its events in order (the
 * state is their fold, so a run can be resumed or rendered from the store alone). Events
 * received from outside are kept too, keyed by their id: claiming an id twice fails, which is
 * what makes one event start at most one run. Implementations are thread-safe.
 */
public interface RunStore extends AutoCloseable {

    /** Stores a new run: its row (with the runbook's text as it was run) and its first event. */
    void create(StoredRun run, String runbookText, RunEvent.RunStarted started);

    /** Appends the run's next event ({@code seq} counts from 1, the start event) and updates its row. */
    void append(String runId, long seq, RunEvent event);

    Optional<StoredRun> run(String runId);

    /** The runbook text the run was started with. */
    Optional<String> runbookText(String runId);

    List<StoredRun> runs(RunQuery query);

    /**
     * Waiting runs a person answered that no process has taken up yet (their last event is an
     * answer), oldest first, however many runs wait unanswered.
     */
    List<StoredRun> answeredRuns(int limit);

    List<RunEvent> events(String runId);

    /**
     * Records an event received from outside, unless one with the same id was recorded before.
     *
     * @return false when the id is already known: the event was delivered again
     */
    boolean claim(ReceivedEvent event);

    /** Says how a claimed event ended: which runs it started, or why it started none. */
    void settle(String eventId, EventOutcome outcome, String reason, List<String> runIds);

    Optional<ReceivedEvent> receivedEvent(String eventId);

    List<ReceivedEvent> receivedEvents(int limit);

    /** Runs of a runbook started at or after {@code since}, whatever their status: the hourly limit counts these. */
    long runsStartedSince(String runbookId, Instant since);

    /** Runs of a runbook with this concurrency key that have not finished (running or waiting). */
    long activeRuns(String runbookId, String concurrencyKey);

    /**
     * Asks that a running run be cancelled, whichever process runs it: that process finds the
     * request on its next tick ({@link #cancelRequestsOfRunningRuns}).
     *
     * @return false when it was asked before
     */
    boolean requestCancel(CancelRequest request);

    /** Cancellation requests for runs that are still running. */
    List<CancelRequest> cancelRequestsOfRunningRuns();

    /** The API tokens kept in the same database. */
    dev.opsbook.access.TokenStore tokens();

    /** A description for people: "H2 file ./.opsbook/store (single instance)", "PostgreSQL db at host". */
    String describe();

    @Override
    void close();
}
