package dev.opsbook.audit;

import java.util.List;
import java.util.Optional;

/**
 * Trails kept as rows of the store rather than as files (the store implements it): each entry
 * chained by SHA-256 exactly as a trail file chains it, with the trail's seal (entry count, last
 * hash) moved in the same transaction. A run's trail is named by its run id, the access trail of an
 * instance {@code access-INSTANCE}. Implementations are thread-safe.
 */
public interface AuditChains {

    /** What a chain holds: the seal, read first, then every entry's line in order (at least the sealed ones). */
    record Chain(Optional<AuditSeal> seal, List<String> lines) {
    }

    /** Chains {@code fact} onto the end {@code trail}'s seal names and moves the seal, in one transaction. */
    AuditEntry append(String trail, AuditFact fact);

    Chain read(String trail);

    Optional<AuditSeal> seal(String trail);

    /** The trails whose names start with {@code prefix}, sorted. */
    List<String> trails(String prefix);

    /**
     * Puts the entries of a trail file into the store: entries it holds already must be the same
     * (they are left), the others are added; the seal ends where the file ends, unless the chain
     * in the store goes on from there. Nothing is written when the file does not fit.
     *
     * @return how many entries were added
     * @throws IllegalStateException with one line saying why the file does not fit the store's chain
     */
    int importEntries(String trail, List<AuditEntry> entries);

    /** Where the chains are kept, for people. */
    String describe();
}
