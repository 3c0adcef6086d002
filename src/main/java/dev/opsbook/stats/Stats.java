package dev.opsbook.stats;

import dev.opsbook.engine.RunStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The figures over the runs a {@link StatsQuery} names.
 *
 * @param days every UTC day of the range, oldest first, with its runs by status (days without runs too)
 * @param toFirstStep from the event being received to the run's first step starting, over runs an event started
 * @param waitingForPeople from an approval or manual step being reached to a person answering it
 * @param toResolution from a run's start to its end, over runs that ended (succeeded, failed, cancelled)
 * @param failing the steps that failed most, most first
 * @param automateNext the manual steps and approvals most worth turning into steps, best first
 */
public record Stats(StatsQuery query, List<Day> days, Timing toFirstStep, Timing waitingForPeople, Timing toResolution,
                    List<FailingStep> failing, List<Candidate> automateNext) {

    public Stats {
        days = List.copyOf(days);
        failing = List.copyOf(failing);
        automateNext = List.copyOf(automateNext);
    }

    /** A day's runs by status (only the statuses it had). */
    public record Day(LocalDate day, Map<RunStatus, Long> byStatus) {
        public long total() {
            return byStatus.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** How many durations were measured, their median, 90th percentile and sum; empty figures when none was. */
    public record Timing(long count, Optional<Duration> median, Optional<Duration> p90, Duration total) {
        public static final Timing NONE = new Timing(0, Optional.empty(), Optional.empty(), Duration.ZERO);
    }

    /** @param runs runs in which it ran; {@code failures} may be more (restarts) */
    public record FailingStep(String runbookId, String stepId, long failures, long runs, Instant lastFailure) {
    }

    /**
     * A checklist item people keep answering.
     *
     * @param kind approve or manual
     * @param times how often a person answered it
     * @param personTime the sum of reached → answered
     * @param usualAnswer the answer given most (approved, rejected, done, not done)
     * @param usualCount how often it was given
     * @param reason why it ranks where it does, for people
     */
    public record Candidate(String runbookId, String stepId, String kind, long times, Duration personTime, Duration median,
                            String usualAnswer, long usualCount, String reason) {
        public double sameShare() {
            return times == 0 ? 0 : (double) usualCount / times;
        }
    }

    public long runs() {
        return days.stream().mapToLong(Day::total).sum();
    }

    public long runs(RunStatus status) {
        return days.stream().mapToLong(d -> d.byStatus().getOrDefault(status, 0L)).sum();
    }

    /** Succeeded over the runs that ended (succeeded, failed or cancelled); empty when none ended. */
    public Optional<Double> successRate() {
        long ended = runs(RunStatus.SUCCEEDED) + runs(RunStatus.FAILED) + runs(RunStatus.CANCELLED);
        return ended == 0 ? Optional.empty() : Optional.of((double) runs(RunStatus.SUCCEEDED) / ended);
    }
}
