package dev.opsbook.engine;

import java.util.Locale;

public enum RunStatus {
    RUNNING,
    SUCCEEDED,
    FAILED,
    CANCELLED,
    /** Stopped at a manual step or approval nobody could answer; nothing is running. */
    WAITING,
    /**
     * Stopped because a step was in flight when the engine running it stopped, and the step is not
     * safe to run again on its own: a person decides ({@code opsbook resolve}). Nothing is running.
     */
    NEEDS_ATTENTION;

    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The status a label names ("needs-attention", "running"), case-insensitively. */
    public static java.util.Optional<RunStatus> ofLabel(String label) {
        return java.util.Arrays.stream(values()).filter(s -> s.label().equalsIgnoreCase(label.strip().replace('_', '-'))).findFirst();
    }
}
