package dev.opsbook.store;

import dev.opsbook.engine.RunStatus;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
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

    /**
     * The figures as text, a line each: {@code s} runs by status, {@code f} and {@code r} the two timings, {@code x} a
     * step's failures, {@code p} a person cell; each histogram as {@link Histogram#toArray()}, names URL-encoded (so
     * a space only ever separates), {@code %} for none. //why: a request over 90 days reads hundreds of these; numbers
     * parsed from the text straight into the request's sums cost a fraction of a JSON tree.
     */
    String toText() {
        StringBuilder text = new StringBuilder("s");
        statuses.forEach((status, n) -> text.append(' ').append(status.name()).append(' ').append(n));
        longs(text.append("\nf"), toFirstStep.toArray());
        longs(text.append("\nr"), toResolution.toArray());
        failing.forEach((step, f) -> text.append("\nx ").append(name(step)).append(' ').append(f.failures()).append(' ').append(f.runs())
                .append(' ').append(f.lastFailure() == null ? "%" : String.valueOf(f.lastFailure().toEpochMilli())));
        people.forEach((key, cell) -> longs(text.append("\np ").append(name(key.stepId())).append(' ').append(name(key.kind())).append(' ')
                .append(name(key.answer())).append(' ').append(cell.rows), cell.timed.toArray()));
        return text.toString();
    }

    /** Adds figures written by {@link #toText()}, parsed straight into these, except the runs by status: those go to {@code byStatus}. */
    void addText(String text, Map<RunStatus, Long> byStatus) {
        Tokens tokens = new Tokens(text);
        while (tokens.more()) {
            String line = tokens.word();
            switch (line) {
                case "s" -> {
                    while (!tokens.endOfLine()) {
                        byStatus.merge(RunStatus.valueOf(tokens.word()), tokens.number(), Long::sum);
                    }
                }
                case "f" -> toFirstStep.addArray(tokens.numbers());
                case "r" -> toResolution.addArray(tokens.numbers());
                case "x" -> {
                    String step = tokens.name();
                    long failures = tokens.number();
                    long runs = tokens.number();
                    String last = tokens.word();
                    failing.merge(step, new Failing(failures, runs, last.equals("%") ? null : Instant.ofEpochMilli(Long.parseLong(last))), Failing::plus);
                }
                case "p" -> {
                    PersonCell cell = person(new Person(tokens.name(), tokens.name(), tokens.name()));
                    cell.rows += tokens.number();
                    cell.timed.addArray(tokens.numbers());
                }
                default -> throw new IllegalStateException("a stats_days row has a line opsbook does not know: " + line);
            }
            tokens.nextLine();
        }
    }

    private static String name(String name) {
        return name == null ? "%" : URLEncoder.encode(name, StandardCharsets.UTF_8);
    }

    private static void longs(StringBuilder text, long[] values) {
        for (long value : values) {
            text.append(' ').append(value);
        }
    }

    /** Words and numbers of the text, a space apart, lines a newline apart. */
    private static final class Tokens {
        private final String text;
        private int at;

        Tokens(String text) {
            this.text = text;
        }

        boolean more() {
            return at < text.length();
        }

        boolean endOfLine() {
            return at >= text.length() || text.charAt(at) == '\n';
        }

        void nextLine() {
            if (at < text.length() && text.charAt(at) == '\n') {
                at++;
            }
        }

        private void skipSpace() {
            if (at < text.length() && text.charAt(at) == ' ') {
                at++;
            }
        }

        String word() {
            skipSpace();
            int start = at;
            while (at < text.length() && text.charAt(at) != ' ' && text.charAt(at) != '\n') {
                at++;
            }
            return text.substring(start, at);
        }

        String name() {
            String word = word();
            return word.equals("%") ? null : URLDecoder.decode(word, StandardCharsets.UTF_8);
        }

        long number() {
            skipSpace();
            boolean negative = at < text.length() && text.charAt(at) == '-';
            if (negative) {
                at++;
            }
            long value = 0;
            int start = at;
            while (at < text.length() && text.charAt(at) >= '0' && text.charAt(at) <= '9') {
                value = value * 10 + (text.charAt(at++) - '0');
            }
            if (at == start) {
                throw new IllegalStateException("a stats_days row has no number at character " + at);
            }
            return negative ? -value : value;
        }

        long[] numbers() {
            long[] values = new long[16];
            int n = 0;
            while (!endOfLine()) {
                if (n == values.length) {
                    values = Arrays.copyOf(values, n * 2);
                }
                values[n++] = number();
            }
            return Arrays.copyOf(values, n);
        }
    }
}
