package dev.opsbook.runbook;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as people write them in runbooks: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h30m}. */
public final class Durations {

    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    private Durations() {
    }

    public static Optional<Duration> parse(String text) {
        try {
            Optional<Duration> duration = read(text.strip());
            duration.ifPresent(Duration::toMillis); // what the engine waits with must fit in a long
            return duration;
        } catch (NumberFormatException | ArithmeticException e) {
            return Optional.empty();
        }
    }

    /** As {@code value.matches("\\d+")}, without compiling the pattern on every call. */
    private static boolean allDigits(String value) {
        if (value.isEmpty()) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) < '0' || value.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static Optional<Duration> read(String value) {
        if (allDigits(value)) {
            return Optional.of(Duration.ofSeconds(Long.parseLong(value)));
        }
        Matcher matcher = PART.matcher(value);
        Duration total = Duration.ZERO;
        int end = 0;
        while (matcher.find()) {
            if (matcher.start() != end) {
                return Optional.empty();
            }
            long amount = Long.parseLong(matcher.group(1));
            total = total.plus(switch (matcher.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            });
            end = matcher.end();
        }
        return end == value.length() && end > 0 ? Optional.of(total) : Optional.empty();
    }

    /** The short form a person reads: {@code 1.2 s}, {@code 350 ms}, {@code 2 m 5 s}. */
    public static String format(Duration duration) {
        long millis = duration.toMillis();
        if (millis < 1000) {
            return millis + " ms";
        }
        if (millis < 60_000) {
            return String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
        }
        long seconds = duration.toSeconds();
        if (seconds < 3600) {
            return (seconds / 60) + " m " + (seconds % 60) + " s";
        }
        return (seconds / 3600) + " h " + (seconds % 3600 / 60) + " m";
    }

    /** The form a runbook writes a duration in, which {@link #parse} reads back: {@code 20m}, {@code 1h30m}, {@code 500ms}. */
    public static String written(Duration duration) {
        StringBuilder out = new StringBuilder();
        long millis = duration.toMillis();
        long[] units = {86_400_000, 3_600_000, 60_000, 1000, 1};
        String[] names = {"d", "h", "m", "s", "ms"};
        for (int i = 0; i < units.length; i++) {
            if (millis >= units[i]) {
                out.append(millis / units[i]).append(names[i]);
                millis %= units[i];
            }
        }
        return out.isEmpty() ? "0s" : out.toString();
    }
}
