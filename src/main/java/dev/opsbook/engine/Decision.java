package dev.opsbook.engine;

import java.util.Optional;

/** What the scheduler decides should happen next; the engine carries it out. */
public sealed interface Decision {

    record Start(String key, String stepId, Role role, Optional<String> forStep) implements Decision {
    }

    record Skip(String key, String reason) implements Decision {
    }

    /** A step that cannot start at all (its condition does not evaluate), failed without running. */
    record Fail(String key, String stepId, String reason) implements Decision {
    }

    record Finish(RunStatus status, String message) implements Decision {
    }

    /** A step that waited for its retry time is due: its next attempt starts. */
    record Retry(String key, String stepId, int attempt) implements Decision {
    }

    /**
     * A step waiting for its retry time gives up without another attempt: the run was cancelled
     * ({@link StepStatus#CANCELLED}) or timed out ({@link StepStatus#FAILED}).
     */
    record StopRetry(String key, StepStatus status) implements Decision {
    }
}
