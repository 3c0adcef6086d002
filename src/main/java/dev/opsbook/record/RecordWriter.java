package dev.opsbook.record;

import java.nio.file.Path;

/** Where a run's record goes in a record folder, {@code RECORD_DIR/<runbook-id>/<run-id>.md}, its audit trail beside it. */
public final class RecordWriter {

    private RecordWriter() {
    }

    public static Path fileFor(Path recordDir, String runbookId, String runId) {
        return recordDir.resolve(runbookId).resolve(runId + ".md");
    }

    public static Path trailFor(Path recordDir, String runbookId, String runId) {
        return recordDir.resolve(runbookId).resolve(runId + ".audit.jsonl");
    }
}
