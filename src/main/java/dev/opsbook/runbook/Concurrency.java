package dev.opsbook.runbook;

import java.util.Locale;
import java.util.Optional;

/**
 * {@code concurrency:} how many runs of this runbook may go on at once for one key.
 *
 * @param key a template over {@code params} and {@code event} ("{{ params.instanceId }}");
 *        absent: one key for every run of the runbook
 * @param limit runs at once per key, 1 or more
 * @param whenBusy what happens to a run that would pass the limit
 */
public record Concurrency(Optional<String> key, int limit, WhenBusy whenBusy, Position position) {

    public enum WhenBusy {
        /** Wait until a running one ends, then start. */
        QUEUE,
        /** Do not start it; escalate instead. */
        DROP;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
