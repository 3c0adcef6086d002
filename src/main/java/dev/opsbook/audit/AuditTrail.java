package dev.opsbook.audit;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * Appends entries to a trail file, one JSON line each, chained by hash. Opened with
 * {@code CREATE_NEW}: a trail is never rewritten. Each line is flushed as it is written, so a
 * crash loses at most the entry being written. Thread-safe.
 */
public final class AuditTrail implements AutoCloseable {

    private final Path file;
    private final BufferedWriter out;
    private long seq;
    private String last = AuditEntry.GENESIS;

    private AuditTrail(Path file, BufferedWriter out) {
        this.file = file;
        this.out = out;
    }

    public static AuditTrail create(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        return new AuditTrail(file, Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
    }

    /** Opens an existing trail to go on where it stopped (a run resumed after waiting). */
    public static AuditTrail continueAt(Path file) throws IOException {
        if (!Files.exists(file)) {
            return create(file);
        }
        java.util.List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
        AuditTrail trail = new AuditTrail(file, Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND));
        if (!lines.isEmpty()) {
            AuditEntry last = AuditEntry.parse(lines.get(lines.size() - 1));
            trail.seq = last.seq();
            trail.last = last.hash();
        }
        return trail;
    }

    public synchronized AuditEntry append(Instant at, String type, JsonNode data) {
        AuditEntry entry = AuditEntry.next(++seq, at, type, data, last);
        try {
            out.write(entry.toJsonLine());
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the audit trail " + file, e);
        }
        last = entry.hash();
        return entry;
    }

    public Path file() {
        return file;
    }

    public synchronized AuditSummary summary() {
        return new AuditSummary(file, seq, last);
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
