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
import java.util.List;
import java.util.Optional;

/**
 * Appends entries to a trail file, one JSON line each, chained by hash, and seals each in the
 * store ({@link AuditSeals}): the store keeps the count and the last hash, so a tail cut from the
 * file shows. Opened with {@code CREATE_NEW}: a trail is never rewritten. Each line is flushed as
 * it is written, before it is sealed, so a crash loses at most the entry being written. Thread-safe.
 */
public final class AuditTrail implements AutoCloseable {

    private final Path file;
    private final BufferedWriter out;
    private final AuditSeals seals;
    private final String name;
    private long seq;
    private String last = AuditEntry.GENESIS;
    /** The seal the store holds, as far as this writer knows; each append moves it from there. */
    private Optional<AuditSeal> sealed = Optional.empty();
    /** The store holds another seal than this file's: left standing, so that verifying the trail shows it. */
    private boolean sealRefused;

    private AuditTrail(Path file, BufferedWriter out, AuditSeals seals) {
        this.file = file;
        this.out = out;
        this.seals = seals;
        this.name = AuditSeals.nameOf(file);
    }

    /** A new trail that nothing seals (tests, and runs without a store, which the record beside the trail seals). */
    public static AuditTrail create(Path file) throws IOException {
        return create(file, AuditSeals.NONE);
    }

    public static AuditTrail create(Path file, AuditSeals seals) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        return new AuditTrail(file, Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                seals);
    }

    public static AuditTrail continueAt(Path file) throws IOException {
        return continueAt(file, AuditSeals.NONE);
    }

    /**
     * Opens an existing trail to go on where it stopped (a run resumed after waiting, the access
     * trail of a restarted instance). The seal moves on only when the file still ends where the store
     * sealed it (or goes on from there: a crash between writing an entry and sealing it); a file cut or
     * changed since is not sealed again, so the cut stays visible.
     */
    public static AuditTrail continueAt(Path file, AuditSeals seals) throws IOException {
        if (!Files.exists(file)) {
            return create(file, seals);
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
        AuditTrail trail = new AuditTrail(file, Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND), seals);
        if (!lines.isEmpty()) {
            AuditEntry last = AuditEntry.parse(lines.get(lines.size() - 1));
            trail.seq = last.seq();
            trail.last = last.hash();
        }
        try {
            trail.sealed = seals.seal(trail.name);
            trail.sealRefused = trail.sealed.isPresent() && !endsAtOrAfter(lines, trail.sealed.get());
        } catch (RuntimeException e) {
            trail.sealRefused = true; // //why: without knowing the seal, moving it could bless a cut
        }
        return trail;
    }

    private static boolean endsAtOrAfter(List<String> lines, AuditSeal seal) {
        if (seal.entries() < 1 || seal.entries() > lines.size()) {
            return false;
        }
        try {
            AuditEntry sealedEntry = AuditEntry.parse(lines.get((int) seal.entries() - 1));
            return sealedEntry.seq() == seal.entries() && sealedEntry.hash().equals(seal.finalHash());
        } catch (IOException | RuntimeException e) {
            return false;
        }
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
        seal(entry);
        return entry;
    }

    private void seal(AuditEntry entry) {
        if (sealRefused) {
            return;
        }
        AuditSeal to = AuditSeal.of(entry);
        try {
            if (seals.advance(name, sealed, to)) {
                sealed = Optional.of(to);
            } else {
                sealRefused = true;
            }
        } catch (RuntimeException e) {
            // //why: the entry is written; the store being away must not stop the run or the request. The next
            // append moves the seal from the one the store still holds.
        }
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
