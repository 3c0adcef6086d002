package dev.opsbook.engine;

import java.util.Locale;

public enum StepStatus {
    RUNNING, SUCCEEDED, FAILED, SKIPPED, WAITING, CANCELLED,
    /** Was in flight when its engine stopped; it runs again when the run goes on. */
    INTERRUPTED,
    /** Was in flight when its engine stopped and may not run again on its own: a person resolves it. */
    NEEDS_ATTENTION;

    public boolean isTerminal() {
        return this != RUNNING && this != WAITING && this != INTERRUPTED && this != NEEDS_ATTENTION;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
