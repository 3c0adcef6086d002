package dev.opsbook.service;

import dev.opsbook.audit.AuditEntry;
import dev.opsbook.audit.AuditVerifier;
import dev.opsbook.store.RunStore;
import dev.opsbook.store.StoredRun;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The audit trails the store keeps, for the API, the run page and the CLI: a run's entries, their
 * verification (the chain, and its end against the seal), the trail file under a record folder
 * written from them (an export, never read back as the truth), and trail files of older runs put
 * into the store. Any instance answers for any run.
 */
public final class RunAudits {

    /** The access trail of an instance is kept under this prefix and the instance's name. */
    public static final String ACCESS_PREFIX = "access-";

    /** Why a run's trail cannot be read from the store: no such run, or no entry of it there. */
    public static final class Unavailable extends Exception {
        public Unavailable(String message) {
            super(message);
        }
    }

    private final RunStore store;

    public RunAudits(RunStore store) {
        this.store = store;
    }

    /** The lines of the run's trail in the store, in order. */
    public List<String> lines(String runId) throws Unavailable {
        run(runId);
        List<String> lines = store.auditChains().read(runId).lines();
        if (lines.isEmpty()) {
            throw noEntries(runId);
        }
        return lines;
    }

    /** The run's entries, each read from its line; a line that cannot be read is left out (the verification names it). */
    public List<AuditEntry> entries(String runId) throws Unavailable {
        return lines(runId).stream().flatMap(line -> {
            try {
                return java.util.stream.Stream.of(AuditEntry.parse(line));
            } catch (IOException | RuntimeException e) {
                return java.util.stream.Stream.empty();
            }
        }).toList();
    }

    /** The run's chain checked as {@code opsbook audit verify RUN} does: every line canonical, the chain, its end against the seal. */
    public AuditVerifier.Verification verify(String runId) throws Unavailable {
        run(runId);
        AuditVerifier.Verification verification = AuditVerifier.verify(store.auditChains(), runId, "run " + runId);
        if (verification.entries() == 0) {
            Optional<dev.opsbook.audit.AuditSeal> seal = store.auditChains().seal(runId);
            if (seal.isEmpty()) {
                throw noEntries(runId);
            }
            // //why: a seal without rows is a chain deleted, or a trail sealed as a file before opsbook kept trails in the store
            return new AuditVerifier.Verification(false, 0, verification.finalHash(), List.of("run " + runId + ": the store sealed "
                    + seal.get().entries() + " entries and holds none: they were deleted, or the trail is a file from before opsbook kept"
                    + " trails in the store (import it with opsbook audit import FILE)"), verification.sealedBy(), Optional.empty());
        }
        long first = firstSeq(runId);
        if (first > 1) {
            List<String> problems = new java.util.ArrayList<>(List.of("run " + runId + ": the store holds its entries from " + first
                    + " on: entries 1 to " + (first - 1) + " were deleted, or are in a trail file from before opsbook kept trails in the"
                    + " store (import it with opsbook audit import FILE)"));
            problems.addAll(verification.problems());
            return new AuditVerifier.Verification(false, verification.entries(), verification.finalHash(), problems,
                    verification.sealedBy(), verification.unsealed());
        }
        return verification;
    }

    private long firstSeq(String runId) {
        List<String> lines = store.auditChains().read(runId).lines();
        try {
            return lines.isEmpty() ? 1 : AuditEntry.parse(lines.get(0)).seq();
        } catch (IOException | RuntimeException e) {
            return 1; // //why: a line that cannot be read is named by the verification itself
        }
    }

    /** The access trails kept in the store, by instance name. */
    public List<String> accessTrails() {
        return store.auditChains().trails(ACCESS_PREFIX);
    }

    /** An access trail ({@code access-INSTANCE}) checked like a run's. */
    public AuditVerifier.Verification verifyAccess(String trail) {
        return AuditVerifier.verify(store.auditChains(), trail, trail);
    }

    /**
     * The trail file of a run whose entries in the store are {@code lines}, line for line; empty when no file is to be
     * written: the store holds no entry of the run, or not its first. //why: a run from before the upgrade that went on has
     * its first entries only in its old trail file; replacing it would lose them before they are imported
     *
     * @throws IOException when the first line cannot be read
     */
    static Optional<String> trailText(List<String> lines) throws IOException {
        if (lines.isEmpty() || AuditEntry.parse(lines.get(0)).seq() != 1) {
            return Optional.empty();
        }
        StringBuilder text = new StringBuilder();
        lines.forEach(line -> text.append(line).append('\n'));
        return Optional.of(text.toString());
    }

    /** What importing a trail file did: the run it belongs to and how many entries were new. */
    public record Imported(String runId, int entries, int added) {
    }

    /**
     * Puts a trail file of a run in the store into the store's chain of that run: it must verify on
     * its own, and fit what the store holds (entries it has must be the same; its end must be the
     * seal's, or where the store's chain goes on from). Importing it again adds nothing.
     *
     * @throws Unavailable with one line saying why it was refused
     */
    public Imported importTrail(Path file) throws IOException, Unavailable {
        AuditVerifier.ReadTrail read = AuditVerifier.read(file);
        if (!read.problems().isEmpty()) {
            throw new Unavailable("it does not verify: " + read.problems().get(0)
                    + (read.problems().size() > 1 ? " (and " + (read.problems().size() - 1) + " more; see opsbook audit verify --file " + file + ")" : ""));
        }
        String runId = read.name();
        if (store.run(runId).isEmpty()) {
            throw new Unavailable("its run " + runId + " is not in " + store.describe()
                    + "; the trail of a run made without a store stays a file: check it with opsbook audit verify --file " + file);
        }
        try {
            int added = store.auditChains().importEntries(runId, read.entries());
            return new Imported(runId, read.entries().size(), added);
        } catch (IllegalStateException e) {
            throw new Unavailable(e.getMessage());
        }
    }

    private StoredRun run(String runId) throws Unavailable {
        return store.run(runId).orElseThrow(() -> new Unavailable("no run " + runId + " in " + store.describe()));
    }

    private Unavailable noEntries(String runId) {
        return new Unavailable("the store holds no audit entries of run " + runId + " (it ran before opsbook kept trails in the store);"
                + " import its trail file with opsbook audit import RECORD_DIR/RUNBOOK/" + runId + ".audit.jsonl");
    }
}
