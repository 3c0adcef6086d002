package dev.opsbook.store;

import java.util.Locale;

/** What became of an event received from outside. */
public enum EventOutcome {
    /** Claimed, not yet settled (a crash in between leaves it here). */
    RECEIVED,
    STARTED,
    /** Not an EventBridge event, or its mapped parameters failed their types. */
    REJECTED,
    /** Matched, but a limit (hourly, concurrency with drop) kept it from starting a run. */
    SUPPRESSED,
    NO_MATCH,
    /** Delivered too many times without being settled; left for the queue's redrive policy. */
    POISON;

    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
