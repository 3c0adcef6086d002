package dev.opsbook.audit;

import java.nio.file.Path;

/** What a record says of its trail: where it is, how many entries, and the last hash. */
public record AuditSummary(Path file, long entries, String finalHash) {
}
