package dev.opsbook.store;

import dev.opsbook.engine.RunEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;

/**
 * The answers and resolutions nobody took up yet, over JDBC: table {@code run_answers} (V25), a row per
 * {@link RunEvent.StepAnswered} or {@link RunEvent.StepResolved} written in that event's transaction. //why: finding the
 * answered runs by the last event of every waiting run read all of them each tick (seconds with 100,000 parked); these
 * rows are as many as the answers waiting. Rows are only inserted and deleted: a row is stale for good once its run's
 * {@code last_seq} moved past it (a later event, a resume), so pruning it never races an answer being written.
 */
final class JdbcRunAnswers {

    private static final String ANSWERED = RunEventJson.type(new RunEvent.StepAnswered(java.time.Instant.EPOCH, "", null));
    private static final String RESOLVED = RunEventJson.type(new RunEvent.StepResolved(java.time.Instant.EPOCH, "", null, "", ""));

    private final Jdbc jdbc;
    private final RunRows rows;

    JdbcRunAnswers(Jdbc jdbc, RunRows rows) {
        this.jdbc = jdbc;
        this.rows = rows;
    }

    /** {@code then}, after noting an answer or a resolution on the event's connection; any other event costs nothing here. */
    static EventWritten noting(EventWritten then) {
        return (connection, runId, seq, event) -> {
            if (event instanceof RunEvent.StepAnswered || event instanceof RunEvent.StepResolved) {
                insert(connection, runId, seq, RunEventJson.type(event));
            }
            then.written(connection, runId, seq, event);
        };
    }

    /**
     * The waiting runs whose last event is an answer, and the runs needing attention whose last event is a resolution,
     * oldest first; the rows of runs that moved on are pruned first.
     */
    List<StoredRun> answeredRuns(int limit) {
        prune();
        String columns = String.join(", ", Arrays.stream(RunRows.COLUMNS.split(", ")).map(c -> "r." + c).toList());
        String sql = "SELECT " + columns + " FROM run_answers a JOIN runs r ON r.id = a.run_id AND r.last_seq = a.seq "
                + "WHERE (r.status = 'WAITING' AND a.type = ? OR r.status = 'NEEDS_ATTENTION' AND a.type = ?) ORDER BY r.started_at, r.id"
                + (limit > 0 ? " LIMIT " + limit : "");
        return rows.select(sql, List.of(ANSWERED, RESOLVED), List.of());
    }

    private void prune() {
        jdbc.query(connection -> {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM run_answers WHERE NOT EXISTS "
                    + "(SELECT 1 FROM runs r WHERE r.id = run_answers.run_id AND r.last_seq <= run_answers.seq)")) {
                return delete.executeUpdate();
            }
        });
    }

    private static void insert(Connection connection, String runId, long seq, String type) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO run_answers (run_id, seq, type) VALUES (?, ?, ?)")) {
            insert.setString(1, runId);
            insert.setLong(2, seq);
            insert.setString(3, type);
            insert.executeUpdate();
        }
    }
}
