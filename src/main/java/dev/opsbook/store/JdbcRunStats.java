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
 * The dashboards' figures as a handful of aggregate queries over {@code runs} and {@code step_facts} (V18), each read from a
 * covering index (V21): the same SQL on H2 and PostgreSQL. Percentiles come from {@link Histogram}s the database fills;
 * the steps people answer are read once for their person-time, usage and answers. Nothing here reads a run's events.
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
        return jdbc.query(connection -> {
            People people = people(connection, query);
            return new Stats(query, days(connection, query), timing(connection, query, "first_step_ms"), people.waiting(),
                    timing(connection, query, "resolution_ms"), failing(connection, query), AutomateNext.rank(people.usage(), people.answers()));
        });
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

    private static Stats.Timing timing(Connection connection, StatsQuery query, String column) throws SQLException {
        Range range = Range.of(query, "runs");
        Histogram histogram = new Histogram();
        try (PreparedStatement select = connection.prepareStatement("SELECT " + Histogram.bucket(column) + " AS b, COUNT(*), MIN(" + column
                + "), MAX(" + column + "), SUM(" + column + ") FROM runs WHERE " + column + " IS NOT NULL AND " + range.where() + " GROUP BY b")) {
            range.bind(select, 1);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    histogram.add(rows.getLong(1), rows.getLong(2), rows.getLong(3), rows.getLong(4), rows.getLong(5));
                }
            }
        }
        return timing(histogram);
    }

    private static Stats.Timing timing(Histogram histogram) {
        if (histogram.count() == 0) {
            return Stats.Timing.NONE;
        }
        return new Stats.Timing(histogram.count(), Optional.of(millis(histogram.percentile(0.5))), Optional.of(millis(histogram.percentile(0.9))),
                Duration.ofMillis(histogram.sum()));
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

    /** The steps people answer, read once: their person-times overall, and each step's usage and answers. */
    private record People(Stats.Timing waiting, List<AutomateNext.Usage> usage, List<AutomateNext.Answers> answers) {
    }

    private static People people(Connection connection, StatsQuery query) throws SQLException {
        Range range = Range.of(query, "step_facts");
        Histogram all = new Histogram();
        Map<List<String>, Histogram> bySteps = new LinkedHashMap<>();
        Map<List<String>, String> kinds = new LinkedHashMap<>();
        Map<List<String>, Long> answered = new LinkedHashMap<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT runbook_id, step_id, kind, answer, " + Histogram.bucket("person_ms")
                + " AS b, COUNT(*), COUNT(person_ms), MIN(person_ms), MAX(person_ms), SUM(person_ms) FROM step_facts WHERE " + PEOPLE
                + " AND (person_ms IS NOT NULL OR answer IS NOT NULL) AND " + range.where() + " GROUP BY runbook_id, step_id, kind, answer, b")) {
            range.bind(select, 1);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    List<String> step = List.of(rows.getString(1), rows.getString(2));
                    String answer = rows.getString(4);
                    if (answer != null) {
                        answered.merge(List.of(step.get(0), step.get(1), answer), rows.getLong(6), Long::sum);
                    }
                    long timed = rows.getLong(7);
                    if (timed > 0) {
                        all.add(rows.getLong(5), timed, rows.getLong(8), rows.getLong(9), rows.getLong(10));
                        bySteps.computeIfAbsent(step, k -> new Histogram()).add(rows.getLong(5), timed, rows.getLong(8), rows.getLong(9), rows.getLong(10));
                        kinds.merge(step, rows.getString(3), (a, b) -> a.compareTo(b) <= 0 ? a : b);
                    }
                }
            }
        }
        List<AutomateNext.Usage> usage = new ArrayList<>();
        bySteps.forEach((step, histogram) -> {
            String kind = kinds.get(step);
            usage.add(new AutomateNext.Usage(step.get(0), step.get(1), "person".equals(kind) ? "manual" : kind, histogram.count(), histogram.sum(),
                    Math.round(histogram.percentile(0.5))));
        });
        List<AutomateNext.Answers> answers = new ArrayList<>();
        answered.forEach((key, count) -> answers.add(new AutomateNext.Answers(key.get(0), key.get(1), "confirmed".equals(key.get(2)), count)));
        return new People(timing(all), usage, answers);
    }
}
