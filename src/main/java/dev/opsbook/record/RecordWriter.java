package dev.opsbook.record;

import dev.opsbook.audit.AuditSummary;
import dev.opsbook.engine.RunResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/** Writes a run's record to {@code RECORD_DIR/<runbook-id>/<run-id>.md}, its audit trail beside it. */
public final class RecordWriter {

    private RecordWriter() {
    }

    public static Path fileFor(Path recordDir, String runbookId, String runId) {
        return recordDir.resolve(runbookId).resolve(runId + ".md");
    }

    public static Path trailFor(Path recordDir, String runbookId, String runId) {
        return recordDir.resolve(runbookId).resolve(runId + ".audit.jsonl");
    }

    public static Path write(Path recordDir, RunResult result) throws IOException {
        return write(recordDir, result, Optional.empty());
    }

    public static Path write(Path recordDir, RunResult result, Optional<AuditSummary> audit) throws IOException {
        Path file = fileFor(recordDir, result.runbook().id(), result.state().runId());
        Files.createDirectories(file.getParent());
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        Files.writeString(partial, MarkdownRecord.render(result, audit), StandardCharsets.UTF_8);
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return file;
    }
}
