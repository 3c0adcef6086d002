package dev.opsbook.service;

import dev.opsbook.engine.RunStatus;
import dev.opsbook.store.StoredRun;
import java.time.Instant;
import java.util.Optional;

/**
 * A stored run as the API and the web pages list it.
 *
 * @param waitingFor the steps a waiting run waits for (comma-separated), empty otherwise
 * @param drill the game day the run is a drill of; empty for a real run
 */
public record RunView(String id, String runbookId, RunStatus status, String trigger, String startedBy, Optional<String> eventId,
                      Instant startedAt, Optional<Instant> endedAt, String message, String waitingFor, Optional<String> drill,
                      Optional<String> incident) {

    public RunView(String id, String runbookId, RunStatus status, String trigger, String startedBy, Optional<String> eventId,
                   Instant startedAt, Optional<Instant> endedAt, String message, String waitingFor, Optional<String> drill) {
        this(id, runbookId, status, trigger, startedBy, eventId, startedAt, endedAt, message, waitingFor, drill, Optional.empty());
    }

    static RunView of(StoredRun run) {
        return new RunView(run.id(), run.runbookId(), run.status(), run.trigger(), run.startedBy(), run.eventId(), run.startedAt(),
                run.endedAt(), run.message(), run.waitingFor(), run.drill(), run.incident());
    }
}
