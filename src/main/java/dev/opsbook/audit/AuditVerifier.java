package dev.opsbook.audit;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Checks a trail: every line is an entry in its one canonical spelling (no key twice or too many,
 * nothing after the object, no blank line, a newline after each), sequence numbers run 1, 2,
 * 3..., each entry names the hash of the one before, each hash matches its content, and the end
 * is the one sealed in the store. A trail the store has no seal for is checked against the record
 * beside it, if there is one, and said to be unsealed: nothing then tells a cut tail.
 */
public final class AuditVerifier {

    /** What the end of the trail was checked against. */
    public enum SealedBy {
        STORE, RECORD, NONE
    }

    /**
     * @param unsealed why the end could not be checked against the store, when it could not
     */
    public record Verification(boolean valid, long entries, String finalHash, List<String> problems, SealedBy sealedBy,
                               Optional<String> unsealed) {

        /** One line for people, when the trail is valid: what was checked, and what could not be. */
        public String verdict() {
            return switch (sealedBy) {
                case STORE -> entries + " entries, chain intact, sealed in the store, final hash " + finalHash;
                case RECORD -> entries + " entries, chain intact and as the record beside it sealed, but no seal in the store to detect a cut tail ("
                        + unsealed.orElse("") + "), final hash " + finalHash;
                case NONE -> entries + " entries, chain intact, but no seal in the store to detect a cut tail (" + unsealed.orElse("")
                        + "), final hash " + finalHash;
            };
        }
    }

    private AuditVerifier() {
    }

    /** The trail checked line by line and against its seal in {@code seals}; the record beside it only when the store has none. */
    public static Verification verify(Path trail, AuditSeals seals) throws IOException {
        Scan scan = scan(trail);
        Optional<AuditSeal> seal;
        try {
            seal = seals.seal(scan.name());
        } catch (RuntimeException e) {
            return unsealed(trail, scan, new ArrayList<>(scan.problems()), "the store cannot be read: " + e.getMessage());
        }
        if (seal.isEmpty()) {
            return unsealed(trail, scan, new ArrayList<>(scan.problems()), seals.noSeal(scan.name()));
        }
        if (seal.get().entries() > scan.lastSeq()) {
            scan = scan(trail); // //why: the trail is written before its seal: entries sealed since the first read are in the file now
        }
        Scan read = scan;
        return sealed(trail.toString(), read, seal.get(), () -> seals.seal(read.name()));
    }

    /**
     * A chain kept in the store ({@link AuditChains}), checked as a trail file is: every entry's line
     * canonical, the chain, and its end against the seal the store moved with it. {@code name} says
     * where, for people ("run 20261202-...").
     */
    public static Verification verify(AuditChains chains, String trail, String name) {
        AuditChains.Chain chain = chains.read(trail);
        List<byte[]> bytes = chain.lines().stream().map(l -> l.getBytes(java.nio.charset.StandardCharsets.UTF_8)).toList();
        Scan scan = scan(name, bytes, i -> name + ", entry " + (i + 1) + " in the store: ", trail);
        if (chain.seal().isEmpty()) {
            return new Verification(scan.problems().isEmpty(), scan.count(), scan.last(), scan.problems(), SealedBy.NONE,
                    Optional.of(chains.describe() + " holds no seal for " + trail));
        }
        return sealed(name, scan, chain.seal().get(), () -> chains.seal(trail));
    }

    private static Verification sealed(String trail, Scan scan, AuditSeal first, java.util.function.Supplier<Optional<AuditSeal>> again) {
        List<String> problems = new ArrayList<>(scan.problems());
        Optional<AuditSeal> seal = Optional.of(first);
        if (scan.lastSeq() > first.entries() && scan.agreesWith(first)) {
            seal = again.get().or(() -> Optional.of(first)); // written while it was read: the seal has moved on with it
        }
        AuditSeal sealed = seal.orElseThrow();
        if (scan.lastSeq() < sealed.entries()) {
            problems.add(trail + ": the store sealed " + sealed.entries() + " entries, the trail has " + scan.count()
                    + ": entries were cut from its end");
        } else if (!scan.agreesWith(sealed)) {
            problems.add(trail + ": entry " + sealed.entries() + " is not the one the store sealed (it sealed "
                    + shortHash(sealed.finalHash()) + ")");
        } else if (scan.lastSeq() > sealed.entries()) {
            problems.add(trail + ": the trail has " + scan.count() + " entries, the store sealed " + sealed.entries()
                    + ": the entries after " + sealed.entries() + " were not written by opsbook, or are being written right now");
        }
        return new Verification(problems.isEmpty(), scan.count(), scan.last(), List.copyOf(problems), SealedBy.STORE, Optional.empty());
    }

    /**
     * A trail file read to be imported: its entries when it verifies on its own (every line
     * canonical, the chain unbroken from entry 1), else its problems; {@code name} is what it is
     * sealed under (the run id its first entry names).
     */
    public record ReadTrail(String name, List<AuditEntry> entries, List<String> problems) {
    }

    public static ReadTrail read(Path trail) throws IOException {
        List<byte[]> lines = lines(Files.readAllBytes(trail));
        Scan scan = scan(trail.toString(), lines, i -> trail + ":" + (i + 1) + ": ", AuditSeals.nameOf(trail));
        if (!scan.problems().isEmpty()) {
            return new ReadTrail(scan.name(), List.of(), scan.problems());
        }
        List<AuditEntry> entries = new ArrayList<>();
        for (byte[] line : lines) {
            if (line != UNTERMINATED && CanonicalLine.read(line) instanceof CanonicalLine.Entry entry) {
                entries.add(entry.entry());
            }
        }
        return new ReadTrail(scan.name(), List.copyOf(entries), List.of());
    }

    private static Verification unsealed(Path trail, Scan scan, List<String> problems, String why) throws IOException {
        Optional<AuditSummary> record = AuditSummary.sealedBeside(trail);
        if (record.isPresent()) {
            if (record.get().entries() != scan.count()) {
                problems.add(trail + ": the run's record says " + record.get().entries() + " entries, the trail has " + scan.count());
            }
            if (!record.get().finalHash().equals(scan.last())) {
                problems.add(trail + ": the run's record ends the trail at " + shortHash(record.get().finalHash())
                        + ", the trail ends at " + shortHash(scan.last()));
            }
        }
        return new Verification(problems.isEmpty(), scan.count(), scan.last(), List.copyOf(problems),
                record.isPresent() ? SealedBy.RECORD : SealedBy.NONE, Optional.of(why));
    }

    /**
     * The trail read line by line: its problems, the number and hash of each entry in order, and the
     * name it is sealed under. //why: the seal is checked against the entries' own numbers, so an
     * entry removed from the middle (reported where it was) is not also reported as a cut tail.
     */
    private record Scan(List<String> problems, List<Long> seqs, List<String> hashes, String name) {

        long count() {
            return hashes.size();
        }

        long lastSeq() {
            return seqs.isEmpty() ? 0 : seqs.get(seqs.size() - 1);
        }

        String last() {
            return hashes.isEmpty() ? AuditEntry.GENESIS : hashes.get(hashes.size() - 1);
        }

        boolean agreesWith(AuditSeal seal) {
            int at = seqs.lastIndexOf(seal.entries());
            return seal.entries() >= 1 && at >= 0 && hashes.get(at).equals(seal.finalHash());
        }
    }

    private static Scan scan(Path trail) throws IOException {
        return scan(trail.toString(), lines(Files.readAllBytes(trail)), i -> trail + ":" + (i + 1) + ": ", AuditSeals.nameOf(trail));
    }

    private static Scan scan(String trail, List<byte[]> lines, java.util.function.IntFunction<String> at, String defaultName) {
        List<String> problems = new ArrayList<>();
        List<String> hashes = new ArrayList<>();
        List<Long> seqs = new ArrayList<>();
        Optional<String> name = Optional.empty();
        String previous = AuditEntry.GENESIS;
        for (int i = 0; i < lines.size(); i++) {
            String where = at.apply(i);
            if (i == lines.size() - 1 && lines.get(i) == UNTERMINATED) {
                continue;
            }
            byte[] bytes = lines.get(i);
            if (i == lines.size() - 2 && lines.get(lines.size() - 1) == UNTERMINATED) {
                problems.add(where + "the last line does not end with a newline: an entry cut short, or bytes added after the last one");
            }
            CanonicalLine.Read read = CanonicalLine.read(bytes);
            if (read instanceof CanonicalLine.Blank blank) {
                problems.add(where + blank.why());
                continue;
            }
            if (read instanceof CanonicalLine.Unreadable unreadable) {
                // //why: the line stands where an entry stood; counting it keeps the entries after it, and the seal, from being reported as moved or cut
                problems.add(where + unreadable.why());
                seqs.add(seqs.isEmpty() ? 1 : seqs.get(seqs.size() - 1) + 1);
                hashes.add(UNKNOWN);
                previous = UNKNOWN;
                continue;
            }
            CanonicalLine.Entry line = (CanonicalLine.Entry) read;
            AuditEntry entry = line.entry();
            line.notCanonical().ifPresent(why -> problems.add(where + "entry " + entry.seq() + " is not written as opsbook writes it: " + why));
            long expected = seqs.isEmpty() ? 1 : seqs.get(seqs.size() - 1) + 1; // //why: after a gap, reported once, the next entry follows the one before it
            if (entry.seq() != expected) {
                problems.add(where + "entry " + entry.seq() + " where entry " + expected
                        + " was expected: an entry was removed or inserted before it");
            }
            if (!previous.equals(UNKNOWN) && !entry.previous().equals(previous)) {
                problems.add(where + "entry " + entry.seq() + " does not follow the entry before it"
                        + " (its previous hash is " + shortHash(entry.previous()) + ", the entry before hashes to " + shortHash(previous) + ")");
            }
            String actual = AuditEntry.hashOf(entry.seq(), entry.at().toString(), entry.type(), entry.data(), entry.previous());
            if (!actual.equals(entry.hash())) {
                problems.add(where + "entry " + entry.seq() + " (" + entry.type()
                        + ") was changed after it was written: its content hashes to " + shortHash(actual)
                        + ", not to the recorded " + shortHash(entry.hash()));
            }
            if (hashes.isEmpty()) {
                name = runOf(entry);
            }
            seqs.add(entry.seq());
            hashes.add(entry.hash());
            previous = entry.hash();
        }
        if (hashes.isEmpty() && problems.isEmpty()) {
            problems.add(trail + ": the trail is empty");
        }
        return new Scan(problems, seqs, hashes, name.orElse(defaultName));
    }

    // //why: a run's trail is sealed under its run id, which its first entry holds under the hash: a copy or a renamed file still finds its seal
    private static Optional<String> runOf(AuditEntry first) {
        JsonNode run = first.data().path("run");
        return first.type().equals("run-started") && run.isTextual() ? Optional.of(run.textValue()) : Optional.empty();
    }

    /** The hash of a line that could not be read as an entry. */
    private static final String UNKNOWN = "?";

    /** Marks bytes after the last newline. */
    private static final byte[] UNTERMINATED = new byte[0];

    /** The lines of a file split at '\n' only; bytes after the last newline are a line too, followed by {@link #UNTERMINATED}. */
    private static List<byte[]> lines(byte[] all) {
        List<byte[]> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < all.length; i++) {
            if (all[i] == '\n') {
                lines.add(Arrays.copyOfRange(all, start, i));
                start = i + 1;
            }
        }
        if (start < all.length) {
            lines.add(Arrays.copyOfRange(all, start, all.length));
            lines.add(UNTERMINATED);
        }
        return lines;
    }

    private static String shortHash(String hash) {
        return hash.length() > 12 ? hash.substring(0, 12) + "…" : hash;
    }
}
