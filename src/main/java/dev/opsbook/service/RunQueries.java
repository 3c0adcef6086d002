package dev.opsbook.service;

import dev.opsbook.engine.RunEvent;
import dev.opsbook.engine.RunResult;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.graph.LoadedRunbook;
import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.store.RunQuery;
import dev.opsbook.store.RunStore;
import dev.opsbook.store.StoredRun;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the API and the web pages read about runs, from the store of any instance: lists with
 * filters, one run with its history folded, how far a run has come. Readers never see the store.
 */
public final class RunQueries {

    /**
     * Which runs to list, newest first.
     *
     * @param since runs started at or after this
     * @param until runs started before this
     * @param offset how many of the matching runs to pass over (pagination)
     * @param limit at most this many; zero or less for all
     * @param drill only drills (true) or only real runs (false)
     * @param search only runs with every word of this ({@link RunSearch#text} says what it may be)
     * @param incident only the runs launched under this incident id
     */
    public record Filter(Optional<String> runbookId, Optional<RunStatus> status, Optional<String> trigger, Optional<Instant> since,
                         Optional<Instant> until, int offset, int limit, Optional<Boolean> drill, Optional<String> search,
                         Optional<String> incident) {

        public Filter {
            search = search == null ? Optional.empty() : search;
            incident = incident == null ? Optional.empty() : incident;
        }

        public Filter(Optional<String> runbookId, Optional<RunStatus> status, Optional<String> trigger, Optional<Instant> since,
                      Optional<Instant> until, int offset, int limit, Optional<Boolean> drill, Optional<String> search) {
            this(runbookId, status, trigger, since, until, offset, limit, drill, search, Optional.empty());
        }

        public Filter(Optional<String> runbookId, Optional<RunStatus> status, Optional<String> trigger, Optional<Instant> since,
                      Optional<Instant> until, int offset, int limit, Optional<Boolean> drill) {
            this(runbookId, status, trigger, since, until, offset, limit, drill, Optional.empty());
        }

        public Filter(Optional<String> runbookId, Optional<RunStatus> status, Optional<String> trigger, Optional<Instant> since,
                      Optional<Instant> until, int offset, int limit) {
            this(runbookId, status, trigger, since, until, offset, limit, Optional.empty());
        }

        public Filter(Optional<String> runbookId, Optional<RunStatus> status, Optional<String> trigger, int limit) {
            this(runbookId, status, trigger, Optional.empty(), Optional.empty(), 0, limit);
        }

        public static Filter latest(int limit) {
            return new Filter(Optional.empty(), Optional.empty(), Optional.empty(), limit);
        }

        public static Filter latestOf(String runbookId, int limit) {
            return new Filter(Optional.of(runbookId), Optional.empty(), Optional.empty(), limit);
        }

        RunQuery query() {
            return new RunQuery(runbookId, status, trigger, since, until, offset, limit, drill, Optional.empty(), search, incident);
        }
    }

    /** A run with the runbook text it ran, its events, and what they amount to (shown through the run's redactor). */
    public record Detail(RunView run, LoadedRunbook runbook, List<RunEvent> events, RunResult result) {
    }

    /** How far a run has come: its status and how many events it has; a change in either is news to a page that follows it. */
    public record Progress(RunStatus status, int events) {
    }

    private final RunStore store;
    private final RunbookLoader loader;
    /** //why: one for every request, so its cache parses each runbook text a run ran once, not at every page or API call */
    private final RunRecords records;
    // //why: cached: Prometheus scrapes often and a count over the runs table is not free
    private volatile long waitingCount;
    private volatile long waitingCountedAt;

    RunQueries(RunStore store, RunbookLoader loader) {
        this.store = store;
        this.loader = loader;
        this.records = new RunRecords(store, loader);
    }

    /** Where runs are kept, for messages such as "no run X in ...". */
    public String describe() {
        return store.describe();
    }

    public List<RunView> list(Filter filter) {
        return store.runs(filter.query()).stream().map(RunView::of).toList();
    }

    public Optional<RunView> run(String runId) {
        return store.run(runId).map(RunView::of);
    }

    public Optional<Detail> detail(String runId) {
        Optional<StoredRun> run = store.run(runId);
        if (run.isEmpty()) {
            return Optional.empty();
        }
        List<RunEvent> events = store.events(runId);
        LoadedRunbook loaded = loader.load(run.get().runbookFile(), store.runbookText(runId).orElse(""));
        return Optional.of(new Detail(RunView.of(run.get()), loaded, events, RunResult.of(loaded.runbook(), events)));
    }

    public Optional<Progress> progress(String runId) {
        return store.run(runId).map(run -> new Progress(run.status(), store.events(runId).size()));
    }

    /** The run's record as {@code opsbook show} prints it. */
    public Optional<RunRecords.Rendered> record(String runId) {
        return records.of(runId);
    }

    /** Two runs compared, and which run came before a run (the comparison page and the API). */
    public RunComparisons comparisons() {
        return new RunComparisons(store, loader);
    }

    /** //why: the store keeps every run's chain, so any instance answers for any run, one it took over included */
    public RunAudits audits() {
        return new RunAudits(store);
    }

    /** Runs waiting for a person, all instances; counted at most every five seconds. */
    long waitingCount() {
        long now = System.currentTimeMillis();
        if (now - waitingCountedAt > 5_000) {
            try {
                waitingCount = store.countRuns(RunStatus.WAITING);
                waitingCountedAt = now;
            } catch (RuntimeException e) {
                return waitingCount;
            }
        }
        return waitingCount;
    }

    /** Who was told of the run's escalation and when, and whether it can be acknowledged now. */
    public EscalationView escalation(String runId) {
        return EscalationView.of(store, runId, dev.opsbook.engine.RunState.fold(store.events(runId)));
    }

    /** The dashboards' figures over the runs {@code query} names. */
    public dev.opsbook.stats.Stats stats(dev.opsbook.stats.StatsQuery query) {
        return store.stats().stats(query);
    }
}
