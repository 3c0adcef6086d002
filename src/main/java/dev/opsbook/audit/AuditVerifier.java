package dev.opsbook.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks a trail: every line parses, sequence numbers run 1, 2, 3..., each entry names the hash
 * of the one before, and each hash matches its content. Given what the run's record says (count
 * and final hash), it also catches entries cut from the end.
 */
public final class AuditVerifier {

    public record Verification(boolean valid, long entries, String finalHash, List<String> problems) {
    }

    private AuditVerifier() {
    }

    public static Verification verify(Path trail, Optional<AuditSummary> expected) throws IOException {
        List<String> problems = new ArrayList<>();
        List<String> lines = Files.readAllLines(trail, StandardCharsets.UTF_8);
        String previous = AuditEntry.GENESIS;
        long count = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            int lineNumber = i + 1;
            AuditEntry entry;
            try {
                entry = AuditEntry.parse(line);
            } catch (Exception e) {
                problems.add(trail + ":" + lineNumber + ": not a JSON entry: " + e.getMessage());
                previous = "?";
                continue;
            }
            count++;
            if (entry.seq() != count) {
                problems.add(trail + ":" + lineNumber + ": entry " + entry.seq() + " where entry " + count
                        + " was expected: an entry was removed or inserted before it");
            }
            if (!entry.previous().equals(previous)) {
                problems.add(trail + ":" + lineNumber + ": entry " + entry.seq() + " does not follow the entry before it"
                        + " (its previous hash is " + shortHash(entry.previous()) + ", the entry before hashes to " + shortHash(previous) + ")");
            }
            String actual = AuditEntry.hashOf(entry.seq(), entry.at().toString(), entry.type(), entry.data(), entry.previous());
            if (!actual.equals(entry.hash())) {
                problems.add(trail + ":" + lineNumber + ": entry " + entry.seq() + " (" + entry.type()
                        + ") was changed after it was written: its content hashes to " + shortHash(actual)
                        + ", not to the recorded " + shortHash(entry.hash()));
            }
            previous = entry.hash();
        }
        if (expected.isPresent()) {
            if (expected.get().entries() != count) {
                problems.add(trail + ": the run's record says " + expected.get().entries() + " entries, the trail has " + count);
            }
            if (!expected.get().finalHash().equals(previous)) {
                problems.add(trail + ": the run's record ends the trail at " + shortHash(expected.get().finalHash())
                        + ", the trail ends at " + shortHash(previous));
            }
        }
        if (count == 0) {
            problems.add(trail + ": the trail is empty");
        }
        return new Verification(problems.isEmpty(), count, previous, problems);
    }

    private static String shortHash(String hash) {
        return hash.length() > 12 ? hash.substring(0, 12) + "…" : hash;
    }
}
