package dev.opsbook.store;

import dev.opsbook.engine.RunEvent;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * What else is written in the same transaction as a run's event, on the same connection: rows
 * that must exist exactly when the event does (the audit entry that describes it). Throwing rolls
 * the event back too.
 */
@FunctionalInterface
interface EventWritten {

    EventWritten NOTHING = (connection, runId, seq, event) -> { };

    /** Called after event {@code seq} of run {@code runId} was inserted (seq 1: the run was created), before the commit. */
    void written(Connection connection, String runId, long seq, RunEvent event) throws SQLException;
}
