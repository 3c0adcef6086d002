package dev.opsbook.stats;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * Which runs the figures are over: those started in {@code [since, until)}, of one runbook or all, drills left out unless
 * asked for. At most {@link #LONGEST} long, so runs per day stay a chart one can read.
 *
 * @param drills true: drills (game days) count too; false: real runs only
 */
public record StatsQuery(Optional<String> runbookId, Instant since, Instant until, boolean drills) {

    public static final Duration DEFAULT_RANGE = Duration.ofDays(30);
    public static final Duration LONGEST = Duration.ofDays(366);

    public StatsQuery {
        if (!since.isBefore(until)) {
            throw new IllegalArgumentException("since (" + since + ") must be before until (" + until + ")");
        }
        if (Duration.between(since, until).compareTo(LONGEST) > 0) {
            throw new IllegalArgumentException("the range from " + since + " to " + until + " is longer than 366 days; ask for a year at most");
        }
    }

    /**
     * The query a request's parameters say; missing ones default to the last 30 days up to {@code now}, real runs only.
     * Throws {@link IllegalArgumentException} saying which value is wrong and how to write it.
     */
    public static StatsQuery parse(Optional<String> runbook, Optional<String> since, Optional<String> until, Optional<String> drill,
                                   Instant now) {
        Instant to = until.filter(s -> !s.isBlank()).map(s -> instant("until", s)).orElse(now.truncatedTo(ChronoUnit.SECONDS).plusSeconds(1));
        Instant from = since.filter(s -> !s.isBlank()).map(s -> instant("since", s)).orElse(to.minus(DEFAULT_RANGE));
        boolean drills = drill.filter(s -> !s.isBlank()).map(d -> switch (d) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("drill '" + d + "' is neither true nor false");
        }).orElse(false);
        return new StatsQuery(runbook.filter(s -> !s.isBlank()), from, to, drills);
    }

    /** An instant, or a day (2026-11-23, its start in UTC). */
    private static Instant instant(String name, String value) {
        try {
            return value.length() == 10 ? java.time.LocalDate.parse(value).atStartOfDay(java.time.ZoneOffset.UTC).toInstant() : Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(name + " '" + value + "' is not a time; write it as 2026-11-23T03:00:00Z or 2026-11-23");
        }
    }
}
