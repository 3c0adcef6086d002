package dev.opsbook.stats;

import dev.opsbook.runbook.Durations;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which checklist items (manual steps and approvals) are most worth turning into steps: those that cost people the most
 * time and that people answer the same way nearly every time. Pure: the store adds up the rows, this ranks them.
 *
 * <p>An item ranks by its person-time weighted by how often the usual answer was given: an approval approved 120 times
 * out of 120 that took 4 hours in all outranks a manual step of 5 hours whose answers are split half and half, because
 * the first is a decision nobody is really making.
 */
public final class AutomateNext {

    /** How many a dashboard shows. */
    public static final int SHOWN = 10;

    /** One item's person-time, from its answered executions in the range. */
    public record Usage(String runbookId, String stepId, String kind, long times, long personMs, long medianMs) {
    }

    /** How often one answer was given to one item ({@code confirmed}: approved or done). */
    public record Answers(String runbookId, String stepId, boolean confirmed, long count) {
    }

    private AutomateNext() {
    }

    public static List<Stats.Candidate> rank(List<Usage> usage, List<Answers> answers) {
        Map<String, long[]> given = new HashMap<>(); // key -> {confirmed, refused}
        for (Answers a : answers) {
            given.computeIfAbsent(a.runbookId() + "\u0000" + a.stepId(), k -> new long[2])[a.confirmed() ? 0 : 1] += a.count();
        }
        return usage.stream().filter(u -> u.times() > 0).map(u -> {
            long[] counts = given.getOrDefault(u.runbookId() + "\u0000" + u.stepId(), new long[2]);
            boolean confirmedMost = counts[0] >= counts[1];
            long usual = Math.max(counts[0], counts[1]);
            String answer = "approve".equals(u.kind()) ? (confirmedMost ? "approved" : "rejected") : (confirmedMost ? "done" : "not done");
            long times = Math.max(u.times(), counts[0] + counts[1]);
            String reason = String.format(Locale.ROOT, "%s %d%% of %d time%s; %s of people's time, %s each (median)",
                    answer, Math.round(100.0 * usual / times), times, times == 1 ? "" : "s",
                    Durations.format(Duration.ofMillis(u.personMs())), Durations.format(Duration.ofMillis(u.medianMs())));
            return new Stats.Candidate(u.runbookId(), u.stepId(), u.kind(), times, Duration.ofMillis(u.personMs()),
                    Duration.ofMillis(u.medianMs()), answer, usual, reason);
        }).sorted(Comparator.comparingDouble((Stats.Candidate c) -> -c.personTime().toMillis() * c.sameShare())
                .thenComparing(c -> -c.times()).thenComparing(Stats.Candidate::runbookId).thenComparing(Stats.Candidate::stepId))
                .limit(SHOWN).toList();
    }
}
