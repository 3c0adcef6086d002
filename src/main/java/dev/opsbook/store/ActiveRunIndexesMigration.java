package dev.opsbook.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.api.migration.Context;

/**
 * Migration 27: on PostgreSQL, the three indexes of {@code runs} that are read only for runs still going (leases and
 * their takeover, concurrency keys) index those runs only: partial indexes on {@link #ACTIVE}. H2 has no partial
 * indexes and keeps them whole.
 *
 * <p>//why: their keys barely vary (every running run of an instance has the same lease owner and status), and a row
 * version PostgreSQL cannot update in place is indexed again in every index, so a busy store piled up dead entries under
 * one key: each step's update of its run's row then spent over a millisecond in the index (bench row 4: 1.3–1.9 ms and
 * about 450–900 buffers a step, against 0.04 ms and 7 as partial indexes), and a lease renewal 50 ms. Every query that
 * reads them asks for an active status, which implies the predicate, so each one can still use its index.
 */
final class ActiveRunIndexesMigration extends StoreJavaMigration {

    static final int VERSION = 27;

    /** The statuses of a run still going, as the queries of {@link JdbcLeases} and {@link JdbcRunLog#activeRuns} name them. */
    static final String ACTIVE = "status IN ('RUNNING', 'WAITING', 'NEEDS_ATTENTION')";

    ActiveRunIndexesMigration() {
        super(VERSION, "active run indexes");
    }

    @Override
    public void migrate(Context context) throws SQLException {
        Connection connection = context.getConnection();
        if (!postgres(connection)) {
            return;
        }
        try (Statement ddl = connection.createStatement()) {
            for (String[] index : new String[][] {
                    {"runs_by_lease_owner", "lease_owner, status"},
                    {"runs_by_lease_expiry", "status, lease_expires_at"},
                    {"runs_by_concurrency", "runbook_id, concurrency_key, status"}}) {
                ddl.execute("DROP INDEX " + index[0]);
                ddl.execute("CREATE INDEX " + index[0] + " ON runs (" + index[1] + ") WHERE " + ACTIVE);
            }
        }
    }
}
