package dev.opsbook.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Escalations sent once however many instances notice the same thing: hourly keys ({@link #escalateOnce}), and the tiers
 * of a run's escalation, each claimed by one instance, retried until delivered, stopped once. Thread-safe.
 */
public interface Escalations {

    /**
     * One tier told (or being told) of one occasion of a run.
     *
     * @param delivered the channels that took it ({@code sns}, {@code webhook}, {@code pagerduty}, {@code email})
     * @param failure the last delivery's failure, or empty
     * @param retryAt when the channels that did not take it are tried again; empty: nothing left to try
     * @param closedHow empty while the escalation goes on; {@code acknowledged} once a person acted, {@code resolved} once the run ended
     */
    record Notice(String subject, String occasion, int tier, Instant toldAt, String toldBy, int attempts, List<String> delivered,
                  String failure, Optional<Instant> retryAt, Optional<Instant> closedAt, Optional<String> closedHow) {
        public Notice {
            delivered = List.copyOf(delivered);
        }
    }

    /** A person said they have it: the occasion's escalation stops. */
    record Acknowledgement(String subject, String occasion, String by, Instant at) {
    }

    /**
     * Whether this caller is the one to send the escalation {@code key} now: true, and noted, when it
     * was never sent or last sent before {@code notBefore}; false when someone (any instance) sent it
     * since. Decided in the database, so several instances send each escalation once.
     */
    boolean escalateOnce(String key, Instant now, Instant notBefore);

    /**
     * Claims telling {@code tier} of the occasion: true for exactly one caller, ever. The claim is its first attempt, held until
     * {@code holdUntil}: an instance that stops before saying how it went leaves it to be retried then by any instance.
     */
    boolean claimTier(String subject, String occasion, int tier, String instance, Instant now, Instant holdUntil);

    /** How an attempt went: the channels delivered so far, the failure (empty: none), when to try again (empty: done). */
    void attempted(String subject, String occasion, int tier, List<String> delivered, String failure, Optional<Instant> retryAt);

    /** Claims the retry of a tier whose retry is due and that {@code attempts} attempts were made of: true for one caller. */
    boolean claimRetry(String subject, String occasion, int tier, int attempts, Instant now, Instant holdUntil);

    /** The tiers told of {@code subject}'s occasions, in order of occasion and tier. */
    List<Notice> notices(String subject);

    /** Notices of escalations not yet stopped, or stopped by a person on a run that may still end; at most {@code limit}. */
    List<Notice> open(int limit);

    /** Stops (or moves on) the occasion's escalation from {@code fromHow} (empty: going on) to {@code toHow}: true for one caller. */
    boolean close(String subject, String occasion, Optional<String> fromHow, String toHow, Instant at);

    /**
     * Notes that {@code by} acknowledged the occasion, with {@code audit}'s entry on {@code subject}'s audit trail in the same
     * transaction; false when someone did already (nothing written). An entry that cannot be chained (another writer moved
     * the trail's end meanwhile) fails it with nothing kept.
     */
    boolean acknowledge(String subject, String occasion, String by, Instant at, dev.opsbook.audit.AuditFact audit);

    /** Who acknowledged {@code subject}'s occasions. */
    List<Acknowledgement> acknowledgements(String subject);

    /**
     * Notes that the escalator looked at run {@code runId} as far as its event {@code seenSeq}, and looks again at {@code at}
     * (empty: not until the run moves). Once the run moves past {@code seenSeq} it is {@link #unlooked} again.
     */
    void lookAgain(String runId, long seenSeq, Optional<Instant> at);

    /** What the escalator saw of one run and when it looks again: {@link #lookAgain(String, long, Optional)} for many at once. */
    record Look(String runId, long seenSeq, Optional<Instant> at) {
    }

    /**
     * {@link #lookAgain(String, long, Optional)} for each of {@code looks}. //why: a tick after a start over 100,000 parked runs
     * looks at thousands; a commit each cost most of its time.
     */
    default void lookAgain(List<Look> looks) {
        looks.forEach(look -> lookAgain(look.runId(), look.seenSeq(), look.at()));
    }

    /** The escalator no longer looks at {@code runId} (nothing of it can escalate) until it waits, needs attention or fails again. */
    void forgetLook(String runId);

    /**
     * {@link #forgetLook} for each of {@code runIds} nobody was told of (no notice), in one transaction; returns those someone
     * was told of. //why: most runs end with nobody told, and a tick's ended runs cost two statements each, read and forget
     */
    java.util.Set<String> forgetLooksOfUntold(java.util.Collection<String> runIds);

    /** The runs whose look is due at {@code now}, earliest first; at most {@code limit}. An indexed read. */
    List<String> dueLooks(Instant now, int limit);

    /**
     * The runs the escalator has not looked at since they last moved: never looked at and waiting, needing attention or failed
     * since {@code failedSince}, or looked at before their last event; oldest first, from {@code offset}, at most {@code limit}.
     */
    List<String> unlooked(Instant failedSince, int offset, int limit);
}
