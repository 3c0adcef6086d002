package dev.opsbook.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The time a session's scheduler decides at, and how long its engine thread may wait for the next
 * retry. A retry is due when the wall clock reaches its stored time, or when the wait that was left
 * when this session first saw it has passed by the monotonic clock.
 *
 * <p>//why: the stored time is wall-clock time, so another instance can wait out the same backoff
 * after a takeover; the monotonic wait keeps a clock that stands still (a test's fixed clock) or
 * is set back from holding a waiting step forever. Used by the engine thread only.
 */
final class RetryClock {

    private final Clock clock;
    /** When each step waiting for its retry falls due by {@link System#nanoTime}. */
    private final Map<String, Long> dueNanos = new HashMap<>();

    RetryClock(Clock clock) {
        this.clock = clock;
    }

    /** The clock's time, or the stored time of a retry whose wait has passed by the monotonic clock, whichever is later. */
    Instant now(RunState state) {
        Instant now = clock.instant();
        long nanos = System.nanoTime();
        dueNanos.keySet().removeIf(key -> !state.execution(key).map(StepExecution::waitingToRetry).orElse(false));
        for (StepExecution waiting : state.executions().values()) {
            if (waiting.waitingToRetry()) {
                Instant at = waiting.retryAt().orElseThrow();
                Instant seen = now;
                long due = dueNanos.computeIfAbsent(waiting.key(), k -> nanos + Math.max(0, Duration.between(seen, at).toNanos()));
                if (nanos - due >= 0 && at.isAfter(now)) {
                    now = at;
                }
            }
        }
        return now;
    }

    /** Milliseconds until the next retry seen by {@link #now} falls due (at least 1), or {@code max} if none is sooner. */
    long millisUntilNextRetry(long max) {
        long nanos = System.nanoTime();
        long wait = max;
        for (long due : dueNanos.values()) {
            wait = Math.min(wait, TimeUnit.NANOSECONDS.toMillis(due - nanos) + 1);
        }
        return Math.max(1, wait);
    }
}
