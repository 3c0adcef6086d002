package dev.opsbook.record;

import dev.opsbook.engine.RunResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes a run's record to {@code RECORD_DIR/<runbook-id>/<run-id>.md}. */
public final class RecordWriter {

    private RecordWriter() {
    }

    public static Path write(Path recordDir, RunResult result) throws IOException {
        Path file = recordDir.resolve(result.runbook().id()).resolve(result.state().runId() + ".md");
        Files.createDirectories(file.getParent());
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        Files.writeString(partial, MarkdownRecord.render(result), StandardCharsets.UTF_8);
        Files.move(partial, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return file;
    }
}
