package dev.opsbook.engine;

import java.util.Locale;

/** What a person decided for a step that was interrupted and needed attention. */
public enum Resolution {
    /** Run it again: the person checked that doing it twice is harmless, or that it did not happen. */
    RETRY,
    /** Go on without it: it happened, or is not needed. Its rollback does not run. */
    SKIP,
    /** Count it as failed: the run's on-failure handlers and rollbacks run. */
    FAIL;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
