package dev.opsbook.engine;

import java.util.Optional;

/** What the scheduler decides should happen next; the engine carries it out. */
public sealed interface Decision {

    record Start(String key, String stepId, Role role, Optional<String> forStep) implements Decision {
    }

    record Skip(String key, String reason) implements Decision {
    }

    /** A step (or an item of one) that cannot start at all (its condition or foreach does not evaluate), failed without running. */
    record Fail(String key, String stepId, Role role, Optional<String> forStep, String reason) implements Decision {
        public Fail(String key, String stepId, String reason) {
            this(key, stepId, Role.NORMAL, Optional.empty(), reason);
        }
    }

    /** A for-each step starts: the list its foreach yielded is stored with it, and its items start as it allows. */
    record ListItems(String key, String stepId, String expression, com.fasterxml.jackson.databind.node.ArrayNode items) implements Decision {
    }

    /** A for-each step ends, as its items decide: its status, each output as the list of the items' outputs, what happened. */
    record Settle(String key, StepStatus status, com.fasterxml.jackson.databind.node.ObjectNode outputs, String message) implements Decision {
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
