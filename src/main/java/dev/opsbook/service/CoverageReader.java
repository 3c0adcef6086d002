package dev.opsbook.service;

import dev.opsbook.alarm.AlarmReadException;
import dev.opsbook.alarm.AlarmSource;
import dev.opsbook.alarm.Alarms;
import dev.opsbook.graph.LoadedRunbook;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

/**
 * Coverage as {@code serve} shows it ({@code GET /api/coverage}, the coverage page): the alarms read on demand and kept
 * for a short while, so a page reloaded or several people looking cost CloudWatch one read a minute; a failure is kept
 * only a few seconds, so a fix (credentials, a policy) shows at once. Matched every time against the runbooks served now
 * with the dispatcher's matcher. Thread-safe: one read at a time.
 */
public final class CoverageReader {

    public static final Duration KEEP = Duration.ofSeconds(60);
    static final Duration KEEP_FAILURE = Duration.ofSeconds(5);

    private final AlarmSource source;
    private final Supplier<List<LoadedRunbook>> runbooks;
    private final EventMatcher matcher;
    private final Clock clock;
    private Alarms alarms;
    private AlarmReadException failure;
    private Instant readAt;

    public CoverageReader(AlarmSource source, Supplier<List<LoadedRunbook>> runbooks, EventMatcher matcher, Clock clock) {
        this.source = source;
        this.runbooks = runbooks;
        this.matcher = matcher;
        this.clock = clock;
    }

    /** @throws AlarmReadException one line: why the alarms could not be read, and what to do */
    public CoverageReport report() throws AlarmReadException {
        Alarms current = alarms();
        return Coverage.of(current, runbooks.get(), matcher, clock.instant());
    }

    private synchronized Alarms alarms() throws AlarmReadException {
        Instant now = clock.instant();
        Duration kept = failure != null ? KEEP_FAILURE : KEEP;
        if (readAt != null && readAt.plus(kept).isAfter(now)) {
            if (failure != null) {
                throw failure;
            }
            return alarms;
        }
        readAt = now;
        try {
            alarms = source.read();
            failure = null;
            return alarms;
        } catch (AlarmReadException e) {
            alarms = null;
            failure = e;
            throw e;
        }
    }
}
