package dev.opsbook.audit;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/** What one entry of a trail says, before it takes its place in a chain: when, what kind, and its data. */
public record AuditFact(Instant at, String type, JsonNode data) {

    /** The entry this fact makes as entry {@code seq}, after the entry that hashes to {@code previous}. */
    public AuditEntry chained(long seq, String previous) {
        return AuditEntry.next(seq, at, type, data, previous);
    }
}
