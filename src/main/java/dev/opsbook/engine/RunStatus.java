package dev.opsbook.engine;

import java.util.Locale;

public enum RunStatus {
    RUNNING,
    SUCCEEDED,
    FAILED,
    CANCELLED,
    /** Stopped at a manual step or approval nobody could answer; nothing is running. */
    WAITING;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
