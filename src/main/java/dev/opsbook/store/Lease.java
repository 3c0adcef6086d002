package dev.opsbook.store;

import java.time.Instant;

/** An engine instance's hold on a running run, until {@code expiresAt} unless its heartbeat renews it. */
public record Lease(String owner, Instant expiresAt) {
}
