package dev.opsbook.service;

import dev.opsbook.engine.RunEvent;
import dev.opsbook.engine.RunState;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.engine.StepExecution;
import dev.opsbook.engine.StepStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * What a run's escalation is about, decided from its state alone (pure): the run waits for a person at a step, failed, or
 * needs attention. Each occasion has a key of its own, so a run that waits at two approvals in turn escalates twice, and
 * an occasion that ends (the step answered, the run resumed or ended) stops its escalation.
 */
final class Occasions {

    /** What happened, as a notification says it. */
    enum Kind {
        WAITING("waits for a person"), FAILED("failed"), NEEDS_ATTENTION("needs attention"), SUPPRESSED("was suppressed by its limits");

        private final String says;

        Kind(String says) {
            this.says = says;
        }

        String says() {
            return says;
        }
    }

    /**
     * @param key what the store keys the occasion's tiers by: the kind, the step execution, and when it began
     * @param step the execution it is about (the waiting or interrupted step; a failure's failed step), if any
     * @param since when it began
     * @param startAfter how long after {@code since} tier 1's clock starts: a waiting step's {@code timeout}, else zero
     */
    record Occasion(Kind kind, String key, Optional<StepExecution> step, Instant since, Duration startAfter) {

        /** PagerDuty's dedup key: one incident per run and step. */
        String dedupKey(String runId) {
            return Occasions.dedupKey(runId, key);
        }
    }

    private Occasions() {
    }

    /** PagerDuty's dedup key of the occasion stored as {@code occasionKey}: the run and the step it is about ({@code failed}: the run). */
    static String dedupKey(String runId, String occasionKey) {
        int colon = occasionKey.indexOf(':');
        int at = occasionKey.lastIndexOf('@');
        return "opsbook/" + runId + "/" + (colon > 0 && at > colon ? occasionKey.substring(colon + 1, at) : "failed");
    }

    /**
     * The occasion {@code state} escalates for, if any.
     *
     * @param timeout a step's {@code timeout} by step id: how long a person may take before its escalation starts
     */
    static Optional<Occasion> of(RunState state, Function<String, Optional<Duration>> timeout) {
        if (state.status() == RunStatus.WAITING) {
            return state.executions().values().stream()
                    .filter(x -> x.status() == StepStatus.WAITING && x.answer().isEmpty() && x.startedAt().isPresent())
                    .findFirst()
                    .map(x -> new Occasion(Kind.WAITING, "waiting:" + x.key() + "@" + x.startedAt().get().toEpochMilli(), Optional.of(x),
                            x.startedAt().get(), timeout.apply(x.stepId()).orElse(Duration.ZERO)));
        }
        if (state.status() == RunStatus.NEEDS_ATTENTION) {
            return state.executions().values().stream().filter(x -> x.status() == StepStatus.NEEDS_ATTENTION).findFirst()
                    .map(x -> {
                        Instant since = x.endedAt().or(x::startedAt).orElse(state.startedAt());
                        return new Occasion(Kind.NEEDS_ATTENTION, "attention:" + x.key() + "@" + since.toEpochMilli(), Optional.of(x), since,
                                Duration.ZERO);
                    });
        }
        if (state.status() == RunStatus.FAILED) {
            Instant since = state.endedAt().orElse(state.startedAt());
            Optional<StepExecution> failed = state.executions().values().stream().filter(x -> x.status() == StepStatus.FAILED)
                    .reduce((a, b) -> b);
            return Optional.of(new Occasion(Kind.FAILED, "failed@" + since.toEpochMilli(), failed, since, Duration.ZERO));
        }
        return Optional.empty();
    }

    /**
     * Who ended an occasion that began at {@code since}, from the run's history: the person who answered, resolved, restarted
     * or cancelled after it began; empty when nobody did (the run went on or ended by itself).
     */
    static Optional<String> actedBy(List<RunEvent> history, Instant since) {
        Optional<String> by = Optional.empty();
        for (RunEvent event : history) {
            if (event.at().isBefore(since)) {
                continue;
            }
            if (event instanceof RunEvent.StepAnswered e) {
                by = Optional.of(e.answer().by() + (e.answer().confirmed() ? " (approved)" : " (rejected)"));
            } else if (event instanceof RunEvent.StepResolved e) {
                by = Optional.of(e.by() + " (resolved: " + e.resolution().label() + ")");
            } else if (event instanceof RunEvent.RunRestarted e) {
                by = Optional.of(e.by() + " (resumed from " + e.fromStep() + ")");
            } else if (event instanceof RunEvent.CancelRequested e) {
                by = Optional.of(e.reason());
            }
        }
        return by;
    }
}
