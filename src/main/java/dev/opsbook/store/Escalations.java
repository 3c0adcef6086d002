package dev.opsbook.store;

import java.time.Instant;

/** Escalations sent once however many instances notice the same thing. Thread-safe. */
public interface Escalations {

    /**
     * Whether this caller is the one to send the escalation {@code key} now: true, and noted, when it
     * was never sent or last sent before {@code notBefore}; false when someone (any instance) sent it
     * since. Decided in the database, so several instances send each escalation once.
     */
    boolean escalateOnce(String key, Instant now, Instant notBefore);
}
