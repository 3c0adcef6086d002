package dev.opsbook.store;

/**
 * Where runs live between processes: the one object callers open, made of one port per concern
 * ({@link RunLog}, {@link Leases}, {@link EventInbox}, {@link CancelRequests}, {@link Escalations}, {@link RecordExports},
 * the {@link #tokens() tokens} and the {@link #auditSeals() audit seals}), all in one database.
 * Implementations are thread-safe.
 */
public interface RunStore extends RunLog, Leases, EventInbox, CancelRequests, Escalations, RecordExports, AutoCloseable {

    /** The audit trails kept in the same database: each run's chain, written with its events, and each instance's access trail. */
    dev.opsbook.audit.AuditChains auditChains();

    /** The seals of audit trails (count and last hash of each), kept in the same database. */
    dev.opsbook.audit.AuditSeals auditSeals();

    /** The dashboards' figures, from facts kept as runs are stored. */
    RunStats stats();

    /** The game days and their scenarios, kept in the same database. */
    GameDays gameDays();

    /** The comments people left on runs and their steps, kept in the same database beside the runs. */
    Comments comments();

    /** The API tokens kept in the same database. */
    dev.opsbook.access.TokenStore tokens();

    /** A description for people: "H2 file ./.opsbook/store (single instance)", "PostgreSQL db at host". */
    String describe();

    @Override
    void close();
}
