package dev.opsbook.store;

import dev.opsbook.engine.RunStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the {@link DayFigures} of the runs started in a time range from {@code runs} and {@code step_facts} (V18), each
 * runbook and kind of run (real or drill) apart: five aggregate queries, each from a covering index (V21, V22), the same
 * SQL on H2 and PostgreSQL. Percentiles are left to the {@link Histogram}s the database fills.
 */
final class DayFiguresSql {

    /** Whose figures: a runbook's real runs, or its drills. */
    record Key(String runbookId, boolean drill) {
    }

    private static final String PEOPLE = "kind IN ('approve', 'manual', 'person')";
    private static final String DRILL = "CASE WHEN drill IS NULL THEN 0 ELSE 1 END";

    private DayFiguresSql() {
    }

    /** The figures of runs started in {@code [from, to)}, of {@code runbook} or all, drills too when {@code drills}. */
    static Map<Key, DayFigures> read(Connection connection, Instant from, Instant to, Optional<String> runbook, boolean drills)
            throws SQLException {
        Map<Key, DayFigures> figures = new HashMap<>();
        Range runs = new Range("started_at", from, to, runbook, drills);
        Range steps = new Range("run_started_at", from, to, runbook, drills);
        query(connection, "SELECT runbook_id, " + DRILL + ", status, COUNT(*) FROM runs WHERE " + runs.where() + " GROUP BY runbook_id, "
                + DRILL + ", status", runs, (row, day) -> day.statuses.merge(RunStatus.valueOf(row.getString(3)), row.getLong(4), Long::sum), figures);
        timing(connection, "first_step_ms", runs, figures, true);
        timing(connection, "resolution_ms", runs, figures, false);
        query(connection, "SELECT runbook_id, " + DRILL + ", step_id, SUM(failures), COUNT(DISTINCT run_id), MAX(last_failed_at) AS last_failed_at "
                + "FROM step_facts WHERE failures > 0 AND " + steps.where() + " GROUP BY runbook_id, " + DRILL + ", step_id", steps,
                (row, day) -> day.failing.merge(row.getString(3), new DayFigures.Failing(row.getLong(4), row.getLong(5),
                        Jdbc.instant(row, "last_failed_at")), DayFigures.Failing::plus), figures);
        query(connection, "SELECT runbook_id, " + DRILL + ", step_id, kind, answer, " + Histogram.bucket("person_ms") + " AS b, COUNT(*), "
                + "COUNT(person_ms), MIN(person_ms), MAX(person_ms), SUM(person_ms) FROM step_facts WHERE " + PEOPLE
                + " AND (person_ms IS NOT NULL OR answer IS NOT NULL) AND " + steps.where() + " GROUP BY runbook_id, " + DRILL
                + ", step_id, kind, answer, b", steps, (row, day) -> {
                    DayFigures.PersonCell cell = day.person(new DayFigures.Person(row.getString(3), row.getString(4), row.getString(5)));
                    cell.rows += row.getLong(7);
                    long timed = row.getLong(8);
                    if (timed > 0) {
                        cell.timed.add(row.getLong(6), timed, row.getLong(9), row.getLong(10), row.getLong(11));
                    }
                }, figures);
        return figures;
    }

    private static void timing(Connection connection, String column, Range runs, Map<Key, DayFigures> figures, boolean firstStep)
            throws SQLException {
        query(connection, "SELECT runbook_id, " + DRILL + ", " + Histogram.bucket(column) + " AS b, COUNT(*), MIN(" + column + "), MAX(" + column
                + "), SUM(" + column + ") FROM runs WHERE " + column + " IS NOT NULL AND " + runs.where() + " GROUP BY runbook_id, " + DRILL + ", b",
                runs, (row, day) -> (firstStep ? day.toFirstStep : day.toResolution).add(row.getLong(3), row.getLong(4), row.getLong(5),
                        row.getLong(6), row.getLong(7)), figures);
    }

    /** Adds one result row (runbook id, drill 0/1, then the figures) to its key's figures. */
    private interface RowInto {
        void add(ResultSet row, DayFigures day) throws SQLException;
    }

    private static void query(Connection connection, String sql, Range range, RowInto into, Map<Key, DayFigures> figures) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            range.bind(select);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    into.add(rows, figures.computeIfAbsent(new Key(rows.getString(1), rows.getInt(2) == 1), k -> new DayFigures()));
                }
            }
        }
    }

    /** The WHERE clause of runs started in {@code [from, to)} by the column {@code started}, and its values. */
    record Range(String started, Instant from, Instant to, Optional<String> runbook, boolean drills) {
        String where() {
            return (drills ? "" : "drill IS NULL AND ") + started + " >= ? AND " + started + " < ?" + (runbook.isPresent() ? " AND runbook_id = ?" : "");
        }

        void bind(PreparedStatement statement) throws SQLException {
            Jdbc.setInstant(statement, 1, from);
            Jdbc.setInstant(statement, 2, to);
            if (runbook.isPresent()) {
                statement.setString(3, runbook.get());
            }
        }
    }
}
