package dev.opsbook.cli;

import dev.opsbook.record.RecordFolder;
import dev.opsbook.record.RecordPlace;
import dev.opsbook.record.RecordWriter;
import dev.opsbook.service.RecordExport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The audit trail of a run kept in no store ({@code --no-store}), which {@code AuditTrail} appends to a file as the run goes:
 * in the record folder beside the record, or, for records in a bucket, in a temporary folder, each write of the record
 * copying it whole to the bucket beside the record.
 */
final class UnstoredTrail {

    private UnstoredTrail() {
    }

    /** Where the trail file is appended to. */
    static Path file(RecordPlace place, String runbookId, String runId) {
        if (place instanceof RecordFolder folder) {
            return RecordWriter.trailFor(folder.dir(), runbookId, runId);
        }
        try {
            Path dir = Files.createTempDirectory("opsbook-trail-");
            Path file = dir.resolve(runId + ".audit.jsonl");
            file.toFile().deleteOnExit();
            dir.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a temporary folder for the run's audit trail", e);
        }
    }

    /**
     * Copies the trail file's whole lines to the place beside the record, when that place is not the folder it is written
     * in. //why: the record is written on a thread of its own while the run appends to the trail, so a copy may catch a
     * line half written; it leaves that line to the next copy (the command's last write, after the run, has them all)
     */
    static RecordExport.TrailExport copy(RecordPlace place, Path file, String runbookId) {
        if (place instanceof RecordFolder) {
            return RecordExport.TrailExport.NONE;
        }
        return (runId, to) -> {
            if (Files.exists(file)) {
                to.write(RecordPlace.trailName(runbookId, runId), wholeLines(Files.readAllBytes(file)));
            }
        };
    }

    /** The bytes up to and with their last line break, as text (a line break is never inside a UTF-8 character). */
    static String wholeLines(byte[] bytes) {
        int end = bytes.length;
        while (end > 0 && bytes[end - 1] != '\n') {
            end--;
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }
}
