package dev.opsbook.store;

import dev.opsbook.engine.RunStatus;
import java.time.Instant;
import java.util.Optional;

/**
 * A run's summary row.
 *
 * @param waitingFor the steps a waiting run waits for (comma-separated), empty otherwise
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
        String waitingFor) {
}
