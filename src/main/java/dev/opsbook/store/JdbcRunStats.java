package dev.opsbook.store;

import dev.opsbook.engine.RunStatus;
import dev.opsbook.stats.AutomateNext;
import dev.opsbook.stats.Stats;
import dev.opsbook.stats.StatsQuery;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The dashboards' figures, added up from {@link DayFigures}: those of whole UTC days from {@link StatsDays} (kept rows,
 * read anew where a day's runs changed), those of the range's partial first and last days read from the runs' facts
 * ({@link DayFiguresSql}). Nothing here reads a run's events.
 */
final class JdbcRunStats implements RunStats {

    private static final int FAILING_SHOWN = 10;

    private final Jdbc jdbc;
    private final JdbcStepFacts facts;
    private final StatsDays days;

    JdbcRunStats(Jdbc jdbc, JdbcStepFacts facts) {
        this.jdbc = jdbc;
        this.facts = facts;
        this.days = new StatsDays(jdbc);
    }

    @Override
    public Stats stats(StatsQuery query) {
        facts.catchUp();
        Sum sum = new Sum();
        read(query, sum);
        Histogram toFirstStep = new Histogram();
        Histogram toResolution = new Histogram();
        sum.byRunbook.values().forEach(f -> {
            toFirstStep.addAll(f.toFirstStep);
            toResolution.addAll(f.toResolution);
        });
        People people = people(sum.byRunbook);
        return new Stats(query, days(query, sum.byDay), timing(toFirstStep), people.waiting(), timing(toResolution), failing(sum.byRunbook),
                AutomateNext.rank(people.usage(), people.answers()));
    }

    /** The request's figures added up: runs by status per day, the rest per runbook. */
    private static final class Sum implements StatsDays.Sink {
        final Map<LocalDate, Map<RunStatus, Long>> byDay = new HashMap<>();
        final Map<String, DayFigures> byRunbook = new TreeMap<>();

        @Override
        public void add(LocalDate day, DayFiguresSql.Key key, DayFigures figures) {
            figures.statuses.forEach((status, n) -> statuses(day).merge(status, n, Long::sum));
            runbook(key).addAll(figures);
        }

        @Override
        public void addText(LocalDate day, DayFiguresSql.Key key, String text) {
            runbook(key).addText(text, statuses(day));
        }

        private Map<RunStatus, Long> statuses(LocalDate day) {
            return byDay.computeIfAbsent(day, d -> new EnumMap<>(RunStatus.class));
        }

        private DayFigures runbook(DayFiguresSql.Key key) {
            return byRunbook.computeIfAbsent(key.runbookId(), r -> new DayFigures());
        }
    }

    /** Gives {@code sum} the figures of each day the query's range touches: whole days from {@link StatsDays}, the partial ones read. */
    private void read(StatsQuery query, Sum sum) {
        LocalDate firstWhole = null;
        LocalDate endWhole = null;
        for (Instant from = query.since(); from.isBefore(query.until()); ) {
            LocalDate day = from.atOffset(ZoneOffset.UTC).toLocalDate();
            Instant dayStart = day.atStartOfDay(ZoneOffset.UTC).toInstant();
            Instant dayEnd = day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
            Instant to = dayEnd.isBefore(query.until()) ? dayEnd : query.until();
            if (from.equals(dayStart) && to.equals(dayEnd)) {
                firstWhole = firstWhole == null ? day : firstWhole;
                endWhole = day.plusDays(1);
            } else {
                Instant partFrom = from;
                Instant partTo = to;
                jdbc.query(connection -> DayFiguresSql.read(connection, partFrom, partTo, query.runbookId(), query.drills()))
                        .forEach((key, figures) -> sum.add(day, key, figures));
            }
            from = to;
        }
        if (firstWhole != null) {
            days.read(firstWhole, endWhole, query.runbookId(), query.drills(), sum);
        }
    }

    private static List<Stats.Day> days(StatsQuery query, Map<LocalDate, Map<RunStatus, Long>> byDay) {
        List<Stats.Day> days = new ArrayList<>();
        LocalDate first = query.since().atOffset(ZoneOffset.UTC).toLocalDate();
        LocalDate last = query.until().minusNanos(1).atOffset(ZoneOffset.UTC).toLocalDate();
        for (LocalDate day = first; !day.isAfter(last); day = day.plusDays(1)) {
            days.add(new Stats.Day(day, Map.copyOf(byDay.getOrDefault(day, Map.of()))));
        }
        return days;
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

    /** The steps that failed most: most failures first, then the latest failure, then by name. */
    private static List<Stats.FailingStep> failing(Map<String, DayFigures> byRunbook) {
        List<Stats.FailingStep> steps = new ArrayList<>();
        byRunbook.forEach((runbook, f) -> f.failing.forEach((step, failing) ->
                steps.add(new Stats.FailingStep(runbook, step, failing.failures(), failing.runs(), failing.lastFailure()))));
        steps.sort(Comparator.comparingLong(Stats.FailingStep::failures).reversed()
                .thenComparing(Stats.FailingStep::lastFailure, Comparator.nullsLast(Comparator.reverseOrder()))
                .thenComparing(Stats.FailingStep::runbookId).thenComparing(Stats.FailingStep::stepId));
        return steps.size() > FAILING_SHOWN ? steps.subList(0, FAILING_SHOWN) : steps;
    }

    /** The steps people answer: their person-times overall, and each step's usage and answers. */
    private record People(Stats.Timing waiting, List<AutomateNext.Usage> usage, List<AutomateNext.Answers> answers) {
    }

    private static People people(Map<String, DayFigures> byRunbook) {
        Histogram all = new Histogram();
        Map<List<String>, Histogram> bySteps = new TreeMap<>(Comparator.comparing((List<String> k) -> k.get(0)).thenComparing(k -> k.get(1)));
        Map<List<String>, String> kinds = new LinkedHashMap<>();
        Map<List<String>, Long> answered = new LinkedHashMap<>();
        byRunbook.forEach((runbook, f) -> f.people.forEach((person, cell) -> {
            List<String> step = List.of(runbook, person.stepId());
            if (person.answer() != null) {
                answered.merge(List.of(runbook, person.stepId(), person.answer()), cell.rows, Long::sum);
            }
            if (cell.timed.count() > 0) {
                all.addAll(cell.timed);
                bySteps.computeIfAbsent(step, k -> new Histogram()).addAll(cell.timed);
                kinds.merge(step, person.kind(), (a, b) -> a.compareTo(b) <= 0 ? a : b);
            }
        }));
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
