package dev.opsbook.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.engine.RunStatus;
import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the dashboards add up about the runs one runbook started within one UTC day (or a part of it): runs by status,
 * the two run timings as {@link Histogram}s, each step's failures, and the person-times and answers of the steps people
 * answer. Figures of several days and runbooks {@link #addAll add up} to a request's; a whole day's are kept as text
 * ({@link #toText()}) in {@code stats_days}.
 */
final class DayFigures {

    /** A step people answer, by the kind it was and the answer given (null while unanswered). */
    record Person(String stepId, String kind, String answer) {
    }

    /** @param rows rows of this kind and answer; {@code timed} those with a person-time */
    static final class PersonCell {
        long rows;
        final Histogram timed = new Histogram();
    }

    record Failing(long failures, long runs, Instant lastFailure) {
        Failing plus(Failing other) {
            Instant last = lastFailure == null ? other.lastFailure
                    : other.lastFailure == null || lastFailure.isAfter(other.lastFailure) ? lastFailure : other.lastFailure;
            return new Failing(failures + other.failures, runs + other.runs, last);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    final Map<RunStatus, Long> statuses = new EnumMap<>(RunStatus.class);
    final Histogram toFirstStep = new Histogram();
    final Histogram toResolution = new Histogram();
    final Map<String, Failing> failing = new LinkedHashMap<>();
    final Map<Person, PersonCell> people = new LinkedHashMap<>();

    PersonCell person(Person key) {
        return people.computeIfAbsent(key, k -> new PersonCell());
    }

    void addAll(DayFigures other) {
        other.statuses.forEach((status, count) -> statuses.merge(status, count, Long::sum));
        toFirstStep.addAll(other.toFirstStep);
        toResolution.addAll(other.toResolution);
        other.failing.forEach((step, f) -> failing.merge(step, f, Failing::plus));
        other.people.forEach((key, cell) -> {
            PersonCell mine = person(key);
            mine.rows += cell.rows;
            mine.timed.addAll(cell.timed);
        });
    }

    String toText() {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode byStatus = root.putObject("statuses");
        statuses.forEach((status, count) -> byStatus.put(status.name(), count));
        longs(root.putArray("toFirstStep"), toFirstStep.toArray());
        longs(root.putArray("toResolution"), toResolution.toArray());
        ArrayNode failed = root.putArray("failing");
        failing.forEach((step, f) -> failed.addObject().put("step", step).put("failures", f.failures()).put("runs", f.runs())
                .put("last", f.lastFailure() == null ? null : f.lastFailure().toString()));
        ArrayNode answered = root.putArray("people");
        people.forEach((key, cell) -> {
            ObjectNode row = answered.addObject().put("step", key.stepId()).put("kind", key.kind()).put("answer", key.answer()).put("rows", cell.rows);
            longs(row.putArray("timed"), cell.timed.toArray());
        });
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static DayFigures fromText(String text) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stats_days row is not readable: " + e.getOriginalMessage(), e);
        }
        DayFigures figures = new DayFigures();
        root.path("statuses").fields().forEachRemaining(e -> figures.statuses.put(RunStatus.valueOf(e.getKey()), e.getValue().asLong()));
        figures.toFirstStep.addAll(Histogram.of(longs(root.path("toFirstStep"))));
        figures.toResolution.addAll(Histogram.of(longs(root.path("toResolution"))));
        for (JsonNode f : root.path("failing")) {
            figures.failing.put(f.path("step").asText(), new Failing(f.path("failures").asLong(), f.path("runs").asLong(),
                    f.path("last").isTextual() ? Instant.parse(f.path("last").asText()) : null));
        }
        for (JsonNode p : root.path("people")) {
            PersonCell cell = figures.person(new Person(p.path("step").asText(), p.path("kind").asText(),
                    p.path("answer").isTextual() ? p.path("answer").asText() : null));
            cell.rows += p.path("rows").asLong();
            cell.timed.addAll(Histogram.of(longs(p.path("timed"))));
        }
        return figures;
    }

    private static void longs(ArrayNode array, long[] values) {
        for (long value : values) {
            array.add(value);
        }
    }

    private static long[] longs(JsonNode array) {
        long[] values = new long[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).asLong();
        }
        return values;
    }
}
