package dev.opsbook.store;

import dev.opsbook.engine.RunStatus;
import java.time.Instant;
import java.util.Optional;

/**
 * Which runs to list, newest first.
 *
 * @param since runs started at or after this
 * @param until runs started before this
 * @param offset how many of the matching runs to pass over (pagination)
 * @param limit at most this many; zero or less for all
 * @param drill only drills (true) or only real runs (false)
 * @param gameDay only the drills of this game day
 * @param search only runs whose text (runbook, parameters, step output, who acted) has every word of this
 * @param incident only the runs launched under (or inheriting) this incident id
 */
public record RunQuery(Optional<String> runbookId, Optional<RunStatus> status, Optional<String> trigger, Optional<Instant> since,
                       Optional<Instant> until, int offset, int limit, Optional<Boolean> drill, Optional<String> gameDay,
                       Optional<String> search, Optional<String> incident) {

    public RunQuery {
        search = search == null ? Optional.empty() : search;
        incident = incident == null ? Optional.empty() : incident;
    }

    public RunQuery(Optional<String> runbookId, Optional<RunStatus> status, Optional<String> trigger, Optional<Instant> since,
                    Optional<Instant> until, int offset, int limit, Optional<Boolean> drill, Optional<String> gameDay,
                    Optional<String> search) {
        this(runbookId, status, trigger, since, until, offset, limit, drill, gameDay, search, Optional.empty());
    }

    public RunQuery(Optional<String> runbookId, Optional<RunStatus> status, Optional<String> trigger, Optional<Instant> since,
                    Optional<Instant> until, int offset, int limit, Optional<Boolean> drill, Optional<String> gameDay) {
        this(runbookId, status, trigger, since, until, offset, limit, drill, gameDay, Optional.empty());
    }

    /** The same query, only the runs of this incident id (empty: any). */
    public RunQuery withIncident(Optional<String> id) {
        return new RunQuery(runbookId, status, trigger, since, until, offset, limit, drill, gameDay, search, id);
    }

    public RunQuery(Optional<String> runbookId, Optional<RunStatus> status, Optional<String> trigger, Optional<Instant> since,
                    Optional<Instant> until, int offset, int limit) {
        this(runbookId, status, trigger, since, until, offset, limit, Optional.empty(), Optional.empty());
    }

    public RunQuery(Optional<String> runbookId, Optional<RunStatus> status, Optional<String> trigger, int limit) {
        this(runbookId, status, trigger, Optional.empty(), Optional.empty(), 0, limit);
    }

    /** The runs of one game day (its drills), newest first like every list. */
    public static RunQuery ofGameDay(String gameDayId) {
        return new RunQuery(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), 0, 0,
                Optional.empty(), Optional.of(gameDayId));
    }

    public static RunQuery latest(int limit) {
        return new RunQuery(Optional.empty(), Optional.empty(), Optional.empty(), limit);
    }
}
