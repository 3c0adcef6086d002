package dev.opsbook.record;

import dev.opsbook.engine.RunStatus;
import dev.opsbook.engine.StepStatus;

/** One symbol per status, the same in records and in the terminal. */
public final class StatusSymbols {

    private StatusSymbols() {
    }

    public static String of(StepStatus status) {
        return switch (status) {
            case SUCCEEDED -> "✅";
            case FAILED -> "❌";
            case SKIPPED -> "⏭️";
            case WAITING -> "⏸️";
            case CANCELLED -> "⏹️";
            case RUNNING -> "⏳";
            case INTERRUPTED -> "🔁";
            case NEEDS_ATTENTION -> "⚠️";
        };
    }

    public static String of(RunStatus status) {
        return switch (status) {
            case SUCCEEDED -> "✅";
            case FAILED -> "❌";
            case CANCELLED -> "⏹️";
            case WAITING -> "⏸️";
            case RUNNING -> "⏳";
            case NEEDS_ATTENTION -> "⚠️";
        };
    }

    public static final String NOT_RUN = "▫️";
}
