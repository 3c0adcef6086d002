package dev.opsbook.store;

import dev.opsbook.engine.RunEvent;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Rows derived from a run's events (the search index, the dashboards' facts), written on the connection of the
 * transaction that derives them: the run's start, then its stop or a quiet second ({@link EventAppends}), each event
 * once and in order. Throwing rolls that transaction back too.
 */
@FunctionalInterface
interface EventWritten {

    EventWritten NOTHING = (connection, runId, seq, event) -> { };

    /** Called for event {@code seq} of run {@code runId} (seq 1: the run was created), once it is inserted, before the commit. */
    void written(Connection connection, String runId, long seq, RunEvent event) throws SQLException;

    /** Called for the events from seq {@code first} on, in order, as {@link #written} would be for each; may batch them. */
    default void writtenAll(Connection connection, String runId, long first, java.util.List<RunEvent> events) throws SQLException {
        for (int i = 0; i < events.size(); i++) {
            written(connection, runId, first + i, events.get(i));
        }
    }
}
