package dev.opsbook.audit;

/** The end of a trail as its writer sealed it in the store: how many entries, and the hash of the last. */
public record AuditSeal(long entries, String finalHash) {

    static AuditSeal of(AuditEntry last) {
        return new AuditSeal(last.seq(), last.hash());
    }
}
