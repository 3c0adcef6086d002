package dev.opsbook.runbook;

import java.util.Collection;
import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;

/** "Did you mean ...?" for names a user mistyped. */
public final class Suggestions {

    private Suggestions() {
    }

    /**
     * The candidate fewest edits away; an abbreviation counts as one edit, so "int" finds
     * "integer", but a true one-letter slip beats it: "DescribeInstance" finds
     * "DescribeInstances", not "DescribeInstanceAttribute". Ties go to the first name alphabetically.
     */
    public static Optional<String> closest(String typed, Collection<String> candidates) {
        String lower = typed.toLowerCase(Locale.ROOT);
        record Ranked(String name, int score, int distance) {
        }
        return candidates.stream()
                .map(c -> {
                    String candidate = c.toLowerCase(Locale.ROOT);
                    int distance = distance(lower, candidate);
                    return new Ranked(c, score(lower, candidate, distance), distance);
                })
                .filter(c -> c.score() <= Math.max(2, typed.length() / 3))
                .min(Comparator.comparingInt(Ranked::score).thenComparingInt(Ranked::distance).thenComparing(Ranked::name))
                .map(Ranked::name);
    }

    /** ", did you mean 'x'?" or nothing. */
    public static String didYouMean(String typed, Collection<String> candidates) {
        return closest(typed, candidates).map(c -> "; did you mean '" + c + "'?").orElse("");
    }

    /** Edits from one to the other, but an abbreviation (a prefix of three letters or more: int, bool) counts as one. */
    private static int score(String typed, String candidate, int distance) {
        return typed.length() >= 3 && candidate.startsWith(typed) ? Math.min(distance, 1) : distance;
    }

    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
