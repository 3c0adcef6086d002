package dev.opsbook.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * When the escalator looks at each run again, over JDBC: table {@code escalation_looks} (V20), a row per run it looked at,
 * with the run's {@code last_seq} it saw and when it is due again. Writes are update-else-insert, portable between H2 and
 * PostgreSQL; two instances writing one run's row both wrote what they saw, and the next move of the run is looked at anyway.
 */
final class JdbcEscalationLooks {

    private final Jdbc jdbc;

    JdbcEscalationLooks(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    void lookAgain(String runId, long seenSeq, Optional<Instant> at) {
        jdbc.query(connection -> {
            for (int attempt = 0; ; attempt++) {
                try (PreparedStatement update = connection.prepareStatement("UPDATE escalation_looks SET seen_seq = ?, due_at = ? WHERE run_id = ?")) {
                    update.setLong(1, seenSeq);
                    Jdbc.setInstant(update, 2, at.orElse(null));
                    update.setString(3, runId);
                    if (update.executeUpdate() > 0 || insert(connection, runId, seenSeq, at.orElse(null)) || attempt > 0) {
                        return null;
                    }
                }
            }
        });
    }

    /**
     * Many looks in one transaction: the rows there updated in one batch, the others inserted in one. When another instance
     * inserted one of them meanwhile, the batch is rolled back and each written alone, as {@link #lookAgain(String, long, Optional)}.
     */
    void lookAgain(List<Escalations.Look> looks) {
        if (looks.isEmpty()) {
            return;
        }
        try {
            jdbc.inTransaction(connection -> {
                List<Escalations.Look> missing = new ArrayList<>();
                try (PreparedStatement update = connection.prepareStatement("UPDATE escalation_looks SET seen_seq = ?, due_at = ? WHERE run_id = ?")) {
                    for (Escalations.Look look : looks) {
                        update.setLong(1, look.seenSeq());
                        Jdbc.setInstant(update, 2, look.at().orElse(null));
                        update.setString(3, look.runId());
                        update.addBatch();
                    }
                    int[] counts = update.executeBatch();
                    for (int i = 0; i < counts.length; i++) {
                        if (counts[i] == 0) {
                            missing.add(looks.get(i));
                        }
                    }
                }
                if (!missing.isEmpty()) {
                    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO escalation_looks (run_id, seen_seq, due_at) VALUES (?, ?, ?)")) {
                        for (Escalations.Look look : missing) {
                            insert.setString(1, look.runId());
                            insert.setLong(2, look.seenSeq());
                            Jdbc.setInstant(insert, 3, look.at().orElse(null));
                            insert.addBatch();
                        }
                        insert.executeBatch();
                    }
                }
                return null;
            });
        } catch (StoreException e) {
            looks.forEach(look -> lookAgain(look.runId(), look.seenSeq(), look.at()));
        }
    }

    void lookBy(String runId, Instant at) {
        jdbc.query(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE escalation_looks SET due_at = ? WHERE run_id = ? AND (due_at IS NULL OR due_at > ?)")) {
                Jdbc.setInstant(update, 1, at);
                update.setString(2, runId);
                Jdbc.setInstant(update, 3, at);
                if (update.executeUpdate() == 0) {
                    insert(connection, runId, 0, at); // //why: no row yet; one there already is due sooner, and stays
                }
            }
            return null;
        });
    }

    void forget(String runId) {
        jdbc.query(connection -> {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM escalation_looks WHERE run_id = ?")) {
                delete.setString(1, runId);
                return delete.executeUpdate();
            }
        });
    }

    /** Forgets the looks of {@code runIds}, on the caller's transaction. */
    void forget(java.sql.Connection connection, java.util.Collection<String> runIds) throws java.sql.SQLException {
        if (runIds.isEmpty()) {
            return;
        }
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM escalation_looks WHERE run_id = ANY(?)")) {
            Jdbc.setTexts(delete, 1, runIds);
            delete.executeUpdate();
        }
    }

    List<String> due(Instant now, int limit) {
        return ids("SELECT run_id FROM escalation_looks WHERE due_at <= ? ORDER BY due_at", now, limit);
    }

    List<String> unlooked(Instant failedSince, int offset, int limit) {
        // //why: a run never looked at that waits, needs attention or failed lately, or any run looked at that moved since. Three
        // indexed reads (the waiting runs, the recent failures, the looks), not a join over every run the store ever kept; their
        // matches are few once the escalator caught up, so sorting them is cheap
        String never = " AND NOT EXISTS (SELECT 1 FROM escalation_looks l WHERE l.run_id = r.id)";
        return ids("SELECT id FROM (SELECT r.id, r.started_at FROM runs r WHERE r.started_at >= ? AND r.status = 'FAILED'" + never
                + " UNION ALL SELECT r.id, r.started_at FROM runs r WHERE r.status IN ('WAITING', 'NEEDS_ATTENTION')" + never
                + " UNION ALL SELECT r.id, r.started_at FROM escalation_looks l JOIN runs r ON r.id = l.run_id WHERE l.seen_seq < r.last_seq)"
                + " AS unlooked ORDER BY started_at, id OFFSET " + Math.max(0, offset) + " ROWS", failedSince, limit);
    }

    private List<String> ids(String sql, Instant at, int limit) {
        return jdbc.query(connection -> {
            try (PreparedStatement select = connection.prepareStatement(sql)) {
                Jdbc.setInstant(select, 1, at);
                select.setMaxRows(limit);
                List<String> ids = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        ids.add(rows.getString(1));
                    }
                }
                return ids;
            }
        });
    }

    private static boolean insert(Connection connection, String runId, long seenSeq, Instant at) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO escalation_looks (run_id, seen_seq, due_at) VALUES (?, ?, ?)")) {
            insert.setString(1, runId);
            insert.setLong(2, seenSeq);
            Jdbc.setInstant(insert, 3, at);
            insert.executeUpdate();
            return true;
        } catch (SQLException e) {
            if (Jdbc.uniqueViolation(e)) {
                return false; // another instance wrote it meanwhile
            }
            throw e;
        }
    }
}
