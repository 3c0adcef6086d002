package dev.opsbook.store;

import dev.opsbook.engine.RunStatus;
import dev.opsbook.stats.AutomateNext;
import dev.opsbook.stats.Stats;
import dev.opsbook.stats.StatsQuery;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The dashboards' figures as a handful of aggregate queries over {@code runs} and {@code step_facts} (V18): the same SQL on
 * H2 and PostgreSQL (PERCENTILE_CONT ... WITHIN GROUP is in both). Nothing here reads a run's events.
 */
final class JdbcRunStats implements RunStats {

    private static final int FAILING_SHOWN = 10;
    private static final String PEOPLE = "kind IN ('approve', 'manual', 'person')";

    private final Jdbc jdbc;
    private final JdbcStepFacts facts;

    JdbcRunStats(Jdbc jdbc, JdbcStepFacts facts) {
        this.jdbc = jdbc;
        this.facts = facts;
    }

    @Override
    public Stats stats(StatsQuery query) {
        facts.catchUp();
        return jdbc.query(connection -> new Stats(query, days(connection, query), timing(connection, query, "runs", "first_step_ms", "1 = 1"),
                timing(connection, query, "step_facts", "person_ms", PEOPLE), timing(connection, query, "runs", "resolution_ms", "1 = 1"),
                failing(connection, query), AutomateNext.rank(usage(connection, query), answers(connection, query))));
    }

    /** The WHERE clause of a query over {@code table} in the range, and its values bound from {@code first}. */
    private record Range(String where, StatsQuery query) {
        static Range of(StatsQuery query, String table) {
            String started = table.equals("runs") ? "started_at" : "run_started_at";
            return new Range(started + " >= ? AND " + started + " < ?" + (query.runbookId().isPresent() ? " AND runbook_id = ?" : "")
                    + (query.drills() ? "" : " AND drill IS NULL"), query);
        }

        int bind(PreparedStatement statement, int first) throws SQLException {
            Jdbc.setInstant(statement, first, query.since());
            Jdbc.setInstant(statement, first + 1, query.until());
            if (query.runbookId().isPresent()) {
                statement.setString(first + 2, query.runbookId().get());
                return first + 3;
            }
            return first + 2;
        }
    }

    private static List<Stats.Day> days(Connection connection, StatsQuery query) throws SQLException {
        Map<LocalDate, Map<RunStatus, Long>> counted = new LinkedHashMap<>();
        LocalDate first = query.since().atOffset(ZoneOffset.UTC).toLocalDate();
        LocalDate last = query.until().minusNanos(1).atOffset(ZoneOffset.UTC).toLocalDate();
        for (LocalDate day = first; !day.isAfter(last); day = day.plusDays(1)) {
            counted.put(day, new EnumMap<>(RunStatus.class));
        }
        Range range = Range.of(query, "runs");
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT started_day, status, COUNT(*) FROM runs WHERE " + range.where() + " GROUP BY started_day, status")) {
            range.bind(select, 1);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    LocalDate day = rows.getObject(1, LocalDate.class);
                    if (day != null && counted.containsKey(day)) {
                        counted.get(day).put(RunStatus.valueOf(rows.getString(2)), rows.getLong(3));
                    }
                }
            }
        }
        List<Stats.Day> days = new ArrayList<>();
        counted.forEach((day, byStatus) -> days.add(new Stats.Day(day, Map.copyOf(byStatus))));
        return days;
    }

    private static Stats.Timing timing(Connection connection, StatsQuery query, String table, String column, String filter) throws SQLException {
        Range range = Range.of(query, table);
        try (PreparedStatement select = connection.prepareStatement("SELECT COUNT(" + column + "), "
                + "PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY " + column + "), PERCENTILE_CONT(0.9) WITHIN GROUP (ORDER BY " + column + "), "
                + "SUM(" + column + ") FROM " + table + " WHERE " + filter + " AND " + column + " IS NOT NULL AND " + range.where())) {
            range.bind(select, 1);
            try (ResultSet row = select.executeQuery()) {
                row.next();
                long count = row.getLong(1);
                if (count == 0) {
                    return Stats.Timing.NONE;
                }
                return new Stats.Timing(count, Optional.of(millis(row.getDouble(2))), Optional.of(millis(row.getDouble(3))),
                        Duration.ofMillis(row.getLong(4)));
            }
        }
    }

    private static Duration millis(double value) {
        return Duration.ofMillis(Math.round(value));
    }

    private static List<Stats.FailingStep> failing(Connection connection, StatsQuery query) throws SQLException {
        Range range = Range.of(query, "step_facts");
        List<Stats.FailingStep> steps = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT runbook_id, step_id, SUM(failures), COUNT(DISTINCT run_id), "
                + "MAX(last_failed_at) AS last_failed_at FROM step_facts WHERE failures > 0 AND " + range.where()
                + " GROUP BY runbook_id, step_id ORDER BY 3 DESC, 5 DESC, 1, 2 LIMIT " + FAILING_SHOWN)) {
            range.bind(select, 1);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    steps.add(new Stats.FailingStep(rows.getString(1), rows.getString(2), rows.getLong(3), rows.getLong(4),
                            Jdbc.instant(rows, "last_failed_at")));
                }
            }
        }
        return steps;
    }

    private static List<AutomateNext.Usage> usage(Connection connection, StatsQuery query) throws SQLException {
        Range range = Range.of(query, "step_facts");
        List<AutomateNext.Usage> usage = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT runbook_id, step_id, MIN(kind), COUNT(*), SUM(person_ms), "
                + "PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY person_ms) FROM step_facts WHERE " + PEOPLE + " AND person_ms IS NOT NULL AND "
                + range.where() + " GROUP BY runbook_id, step_id")) {
            range.bind(select, 1);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    String kind = rows.getString(3);
                    usage.add(new AutomateNext.Usage(rows.getString(1), rows.getString(2), "person".equals(kind) ? "manual" : kind,
                            rows.getLong(4), rows.getLong(5), Math.round(rows.getDouble(6))));
                }
            }
        }
        return usage;
    }

    private static List<AutomateNext.Answers> answers(Connection connection, StatsQuery query) throws SQLException {
        Range range = Range.of(query, "step_facts");
        List<AutomateNext.Answers> answers = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT runbook_id, step_id, answer, COUNT(*) FROM step_facts WHERE "
                + PEOPLE + " AND answer IS NOT NULL AND " + range.where() + " GROUP BY runbook_id, step_id, answer")) {
            range.bind(select, 1);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    answers.add(new AutomateNext.Answers(rows.getString(1), rows.getString(2), "confirmed".equals(rows.getString(3)),
                            rows.getLong(4)));
                }
            }
        }
        return answers;
    }
}
