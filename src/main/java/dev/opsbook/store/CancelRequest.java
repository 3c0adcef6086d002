package dev.opsbook.store;

import java.time.Instant;

/** Someone asked that a run be cancelled; the instance running it does so when it next looks. */
public record CancelRequest(String runId, Instant requestedAt, String requestedBy, String reason) {
}
