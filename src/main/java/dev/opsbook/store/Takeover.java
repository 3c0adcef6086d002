package dev.opsbook.store;

/** A run this instance took over, and the instance whose lease on it had expired. */
public record Takeover(StoredRun run, String from) {
}
