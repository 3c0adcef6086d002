package dev.opsbook.store;

import dev.opsbook.engine.RunStatus;
import java.time.Instant;
import java.util.Optional;

/**
 * A run's summary row.
 *
 * @param waitingFor the steps a waiting run waits for (comma-separated), empty otherwise
 * @param drill the game day the run is a drill of; empty for a real run (written from its start event)
 * @param incident the incident id it was launched under or inherited; empty when none (written from its start event)
 * @param alarm the CloudWatch alarm (ARN, or name) whose state change started it; empty otherwise (from its start event)
 */
public record StoredRun(
        String id,
        String runbookId,
        String runbookFile,
        String contentHash,
        RunStatus status,
        String trigger,
        String startedBy,
        Optional<String> eventId,
        Optional<String> concurrencyKey,
        Instant startedAt,
        Optional<Instant> endedAt,
        String message,
        String waitingFor,
        Optional<String> drill,
        Optional<String> incident,
        Optional<String> alarm) {

    public StoredRun {
        incident = incident == null ? Optional.empty() : incident;
        alarm = alarm == null ? Optional.empty() : alarm;
    }

    public StoredRun(String id, String runbookId, String runbookFile, String contentHash, RunStatus status, String trigger,
                     String startedBy, Optional<String> eventId, Optional<String> concurrencyKey, Instant startedAt,
                     Optional<Instant> endedAt, String message, String waitingFor, Optional<String> drill) {
        this(id, runbookId, runbookFile, contentHash, status, trigger, startedBy, eventId, concurrencyKey, startedAt, endedAt,
                message, waitingFor, drill, Optional.empty(), Optional.empty());
    }

    public StoredRun(String id, String runbookId, String runbookFile, String contentHash, RunStatus status, String trigger,
                     String startedBy, Optional<String> eventId, Optional<String> concurrencyKey, Instant startedAt,
                     Optional<Instant> endedAt, String message, String waitingFor) {
        this(id, runbookId, runbookFile, contentHash, status, trigger, startedBy, eventId, concurrencyKey, startedAt, endedAt,
                message, waitingFor, Optional.empty());
    }
}
