package dev.opsbook.engine;

import java.util.Locale;

public enum StepStatus {
    RUNNING, SUCCEEDED, FAILED, SKIPPED, WAITING, CANCELLED;

    public boolean isTerminal() {
        return this != RUNNING && this != WAITING;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
