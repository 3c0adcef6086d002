package dev.opsbook.store;

import dev.opsbook.engine.RunStatus;
import java.util.Optional;

/** Which runs to list, newest first. */
public record RunQuery(Optional<String> runbookId, Optional<RunStatus> status, Optional<String> trigger, int limit) {

    public static RunQuery latest(int limit) {
        return new RunQuery(Optional.empty(), Optional.empty(), Optional.empty(), limit);
    }
}
