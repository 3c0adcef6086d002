package dev.opsbook.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Events received from outside, kept by their id: claiming an id twice fails, which is what makes
 * one event start at most one run. Thread-safe.
 */
public interface EventInbox {

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

    /** Newest first; a limit of zero or less lists them all. */
    List<ReceivedEvent> receivedEvents(int limit);
}
