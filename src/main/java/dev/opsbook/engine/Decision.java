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
}
