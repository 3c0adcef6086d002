package dev.opsbook.service;

import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.incident.IncidentFacts;
import dev.opsbook.incident.IncidentGrouping;
import dev.opsbook.incident.IncidentReport;
import dev.opsbook.incident.RunTrail;
import dev.opsbook.incident.Timeline;
import dev.opsbook.store.RunQuery;
import dev.opsbook.store.RunStore;
import dev.opsbook.store.StoredRun;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Incidents read from the store: the recent ones ({@link IncidentGrouping} over the runs of the last {@link #LOOKBACK}),
 * one by its id, its timeline and its post-incident draft. An id given at launch is found by the runs' {@code incident}
 * column whatever its age; an automatic one ({@code alarm-RUN}, {@code event-RUN}) by grouping the runs that started
 * within {@link #HORIZON} of its first run. What serve's pages and API and {@code opsbook incident} read; thread-safe.
 */
public final class IncidentRuns {

    /** How far back the list of recent incidents looks. */
    public static final Duration LOOKBACK = Duration.ofDays(7);
    /** How long an automatic incident may go on and still be found whole by its id. */
    public static final Duration HORIZON = Duration.ofHours(24);
    /** At most this many runs are grouped at once; more, and the oldest are left out of the list. */
    static final int MAX_RUNS = 5000;

    /** An incident with its runs' trails: what the page, the JSON and the draft are drawn from. */
    public record Incident(IncidentGrouping.Group group, List<RunTrail> trails, List<Timeline.Entry> timeline, IncidentFacts facts) {

        public Summary summary() {
            return Summary.of(group);
        }

        /** Its runs as the API and pages show runs, oldest first. */
        public List<RunView> runs() {
            return group.runs().stream().map(RunView::of).toList();
        }
    }

    /**
     * An incident in a list, as the API and the pages show it (they never see the store's rows).
     *
     * @param open whether any run still runs, waits for a person or needs attention
     */
    public record Summary(String id, IncidentGrouping.Kind kind, String label, Instant startedAt, Optional<Instant> lastEndedAt, int runs,
                          boolean open) {

        static Summary of(IncidentGrouping.Group g) {
            return new Summary(g.id(), g.kind(), g.label(), g.first().startedAt(),
                    g.runs().stream().flatMap(r -> r.endedAt().stream()).max(Comparator.naturalOrder()), g.runs().size(), IncidentRuns.open(g));
        }
    }

    private final RunStore store;
    private final RunbookLoader loader;
    private final Clock clock;
    private final Duration window;

    public IncidentRuns(RunStore store, RunbookLoader loader, Clock clock, Duration window) {
        this.store = store;
        this.loader = loader;
        this.clock = clock;
        this.window = window;
    }

    public Duration window() {
        return window;
    }

    /** {@link #recent} as the API and pages list them. */
    public List<Summary> latest(int limit) {
        return recent(limit).stream().map(Summary::of).toList();
    }

    /** The incidents among the runs of the last {@link #LOOKBACK}, newest first, at most {@code limit}. */
    public List<IncidentGrouping.Group> recent(int limit) {
        Instant now = clock.instant();
        List<StoredRun> runs = store.runs(new RunQuery(Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(now.minus(LOOKBACK)),
                Optional.empty(), 0, MAX_RUNS));
        List<IncidentGrouping.Group> groups = IncidentGrouping.group(runs, window);
        return groups.subList(0, Math.min(groups.size(), Math.max(limit, 0)));
    }

    /** The incident {@code id} names, with its runs; empty when no run belongs to it. */
    public Optional<IncidentGrouping.Group> group(String id) {
        List<StoredRun> tagged = store.runs(new RunQuery(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), 0, MAX_RUNS).withIncident(Optional.of(id)));
        if (!tagged.isEmpty()) {
            return IncidentGrouping.find(tagged, window, id);
        }
        Optional<StoredRun> first = IncidentGrouping.firstRunOf(id).flatMap(store::run);
        if (first.isEmpty()) {
            return Optional.empty();
        }
        Instant from = first.get().startedAt();
        List<StoredRun> around = store.runs(new RunQuery(Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(from),
                Optional.of(from.plus(HORIZON)), 0, MAX_RUNS));
        return IncidentGrouping.find(around, window, id);
    }

    /**
     * The incident a run belongs to: its id given at launch, or the automatic incident its event or alarm puts it in (found
     * by grouping the runs that started within {@link #HORIZON} either side of it); empty when it belongs to none.
     */
    public Optional<String> incidentOf(String runId) {
        Optional<StoredRun> run = store.run(runId);
        if (run.isEmpty()) {
            return Optional.empty();
        }
        if (run.get().incident().isPresent()) {
            return run.get().incident();
        }
        if (run.get().eventId().isEmpty() && run.get().alarm().isEmpty() && !run.get().trigger().equals(dev.opsbook.engine.ChildRuns.TRIGGER)) {
            return Optional.empty();
        }
        Instant at = run.get().startedAt();
        List<StoredRun> around = store.runs(new RunQuery(Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(at.minus(HORIZON)),
                Optional.of(at.plus(HORIZON)), 0, MAX_RUNS));
        return IncidentGrouping.group(around, window).stream().filter(g -> g.runs().stream().anyMatch(r -> r.id().equals(runId)))
                .map(IncidentGrouping.Group::id).findFirst();
    }

    /** The incident with its trails, timeline and facts. */
    public Optional<Incident> incident(String id) {
        return group(id).map(g -> {
            List<RunTrail> trails = trails(g.runs());
            return new Incident(g, trails, Timeline.of(trails), IncidentFacts.of(trails));
        });
    }

    /** The post-incident draft in Markdown, its run links under {@code publicUrl} (paths without one). */
    public Optional<String> report(String id, Optional<URI> publicUrl) {
        return incident(id).map(i -> IncidentReport.markdown(i.group(), i.trails(), runId -> runLink(publicUrl, runId)));
    }

    /** Whether any run of the incident still runs, waits for a person or needs attention. */
    public static boolean open(IncidentGrouping.Group group) {
        return group.runs().stream().anyMatch(r -> r.status() == dev.opsbook.engine.RunStatus.RUNNING
                || r.status() == dev.opsbook.engine.RunStatus.WAITING || r.status() == dev.opsbook.engine.RunStatus.NEEDS_ATTENTION);
    }

    /** A run page's link: under {@code opsbook.public-url} when set, else a path. */
    public static String runLink(Optional<URI> publicUrl, String runId) {
        return publicUrl.map(u -> u.toString().replaceAll("/+$", "")).orElse("") + "/runs/" + runId;
    }

    private List<RunTrail> trails(List<StoredRun> runs) {
        List<StoredRun> sorted = new ArrayList<>(runs);
        sorted.sort(Comparator.comparing(StoredRun::startedAt).thenComparing(StoredRun::id));
        List<RunTrail> trails = new ArrayList<>();
        for (StoredRun run : sorted) {
            var runbook = store.runbookText(run.id()).map(text -> loader.load(run.runbookFile(), text).runbook());
            trails.add(new RunTrail(run, store.events(run.id()), runbook, store.notices(run.id()), store.acknowledgements(run.id()),
                    store.comments().comments(run.id()).stream()
                            .map(c -> new RunTrail.Comment(c.createdAt(), c.author(), c.step(), c.text())).toList()));
        }
        return trails;
    }
}
