package dev.opsbook.service;

import dev.opsbook.runbook.Durations;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * What a search over runs may be, as the CLI, the API and the run list page read it: the text (some words, at most
 * {@link #LONGEST} characters) and a time range, each bound an instant ({@code 2026-11-23T03:00:00Z}), a date (its
 * start, UTC) or how long ago ({@code 24h}, {@code 7d}, as durations are written in runbooks). Pure; what it refuses
 * it refuses with an {@link IllegalArgumentException} whose message says what was wrong and how to write it.
 */
public final class RunSearch {

    public static final int LONGEST = 200;

    private RunSearch() {
    }

    /** The search text, stripped; refused when it has no word to look for or is too long. */
    public static String text(String given) {
        String text = given == null ? "" : given.strip();
        if (text.isEmpty()) {
            throw new IllegalArgumentException("the search is empty: give a word or more to look for");
        }
        if (text.length() > LONGEST) {
            throw new IllegalArgumentException("the search is " + text.length() + " characters long; at most " + LONGEST);
        }
        if (text.codePoints().noneMatch(Character::isLetterOrDigit)) {
            throw new IllegalArgumentException("the search '" + text + "' has no word to look for (letters or digits)");
        }
        return text;
    }

    /** A bound of the time range ({@code name}: since or until), measured from {@code now} when it says how long ago. */
    public static Instant time(String name, String given, Instant now) {
        String text = given.strip();
        Optional<Duration> ago = text.isEmpty() || Character.isDigit(text.charAt(text.length() - 1)) ? Optional.empty() : Durations.parse(text);
        if (ago.isPresent()) {
            return now.minus(ago.get());
        }
        try {
            return text.length() == 10 ? LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant() : OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(name + " '" + given + "' is not a time: write an instant (2026-11-23T03:00:00Z), "
                    + "a date (2026-11-23, UTC) or how long ago (24h, 7d)");
        }
    }

    /** Refuses a range that holds no time at all. */
    public static void range(Optional<Instant> since, Optional<Instant> until) {
        if (since.isPresent() && until.isPresent() && !since.get().isBefore(until.get())) {
            throw new IllegalArgumentException("since " + since.get() + " is not before until " + until.get() + ": the range holds no time");
        }
    }
}
