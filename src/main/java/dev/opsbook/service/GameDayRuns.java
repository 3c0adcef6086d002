package dev.opsbook.service;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.engine.RunEvent;
import dev.opsbook.engine.RunIds;
import dev.opsbook.gameday.Expectations;
import dev.opsbook.gameday.Report;
import dev.opsbook.gameday.Scenario;
import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.store.GameDay;
import dev.opsbook.store.RunQuery;
import dev.opsbook.store.RunStore;
import dev.opsbook.store.StoredRun;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * Game days in {@code serve}: {@link #start} keeps the scenario in the store and injects its events through the same
 * intake and matcher as real ones, each run they start a drill of the game day; {@link #status} judges the expectations
 * from the drills' histories; {@link #report} writes the Markdown report. Any instance answers for any game day, and
 * {@link #scenarioOfGameDay} gives whichever instance runs a drill the scenario's simulated AWS answers.
 */
public final class GameDayRuns {

    /** What became of one injected event (the dispatcher's report: event, outcome, reason, runs). */
    public record Started(String id, List<ObjectNode> events) {
    }

    /** A game day as the API and the pages show it: who started it, when, and the ids of the events it injected. */
    public record Summary(String id, String name, String startedBy, Instant startedAt, List<String> eventIds) {

        static Summary of(GameDay g) {
            return new Summary(g.id(), g.name(), g.startedBy(), g.startedAt(), g.eventIds());
        }
    }

    /** A game day now: its scenario, its drills, and how its expectations stand. */
    public record Status(Summary gameDay, Scenario scenario, List<RunView> runs, List<Expectations.Judged> judged, boolean over) {

        /** Nothing pending any more: every expectation is met or missed. */
        public boolean settled() {
            return Expectations.settled(judged);
        }
    }

    private final RunStore store;
    private final RunbookLoader loader;
    private final BiFunction<String, String, Dispatcher.Outcome> inject;
    private final Clock clock;
    // //why: a scenario never changes once stored, and a drill's every AWS call asks for it
    private final Map<String, Scenario> scenarios = new ConcurrentHashMap<>();

    /** @param inject hands one event (its JSON) to the intake as a drill of the game day named second */
    GameDayRuns(RunStore store, RunbookLoader loader, BiFunction<String, String, Dispatcher.Outcome> inject, Clock clock) {
        this.store = store;
        this.loader = loader;
        this.inject = inject;
        this.clock = clock;
    }

    /** Game days read from a store, with nothing to inject into (the CLI's {@code gameday report}). */
    public static GameDayRuns reading(RunStore store, RunbookLoader loader, Clock clock) {
        return new GameDayRuns(store, loader, (body, id) -> {
            throw new IllegalStateException("game days start in opsbook serve");
        }, clock);
    }

    /**
     * Stores the game day, then injects each event as a drill of it: with an id of its own ({@code GAMEDAY-n}, so a sample
     * injected again is no redelivery) and the time of injection.
     */
    public Started start(Scenario scenario, String by) {
        Instant now = clock.instant();
        String id = "gd-" + RunIds.from(clock).get();
        List<ObjectNode> events = new ArrayList<>();
        for (int i = 0; i < scenario.events().size(); i++) {
            ObjectNode event = scenario.events().get(i).deepCopy();
            event.put("id", id + "-" + (i + 1));
            event.put("time", now.toString());
            events.add(event);
        }
        store.gameDays().create(new GameDay(id, scenario.name(), scenario.json().toString(), by, now,
                events.stream().map(e -> e.get("id").asText()).toList()));
        List<ObjectNode> outcomes = new ArrayList<>();
        for (ObjectNode event : events) {
            outcomes.add(inject.apply(event.toString(), id).report());
        }
        return new Started(id, outcomes);
    }

    public Optional<Status> status(String id) {
        Optional<GameDay> gameDay = store.gameDays().gameDay(id);
        if (gameDay.isEmpty()) {
            return Optional.empty();
        }
        Scenario scenario = scenario(gameDay.get());
        List<StoredRun> runs = runsOf(id);
        Instant now = clock.instant();
        boolean over = Duration.between(gameDay.get().startedAt(), now).compareTo(scenario.timeout()) > 0;
        List<Expectations.Judged> judged = Expectations.judge(scenario.expect(), gameDay.get().startedAt(), drills(runs), now, over);
        return Optional.of(new Status(Summary.of(gameDay.get()), scenario, runs.stream().map(RunView::of).toList(), judged, over));
    }

    /** The game day's report in Markdown. */
    public Optional<String> report(String id) {
        return status(id).map(status -> {
            List<StoredRun> runs = runsOf(id);
            List<Report.Drill> drills = new ArrayList<>();
            for (StoredRun run : runs) {
                drills.add(new Report.Drill(drill(run), loader.load(run.runbookFile(), store.runbookText(run.id()).orElse("")).runbook(),
                        store.notices(run.id()).stream().map(n -> new Report.Told(n.toldAt(), n.tier() + 1, n.delivered(), n.failure())).toList(),
                        store.acknowledgements(run.id()).stream().map(a -> new Report.Acknowledged(a.at(), a.by())).toList()));
            }
            Summary g = status.gameDay();
            return Report.markdown(new Report.GameDay(g.id(), g.name(), g.startedBy(), g.startedAt(), status.scenario().live(),
                    status.scenario().aws().size(), g.eventIds()), drills, status.judged());
        });
    }

    /** The game days the runs are drills of, in the order first named; a run that is no drill is an error. */
    public List<String> gameDaysOf(List<String> runIds) {
        LinkedHashSet<String> ids = new LinkedHashSet<>();
        for (String runId : runIds) {
            StoredRun run = store.run(runId).orElseThrow(() -> new IllegalArgumentException("no run " + runId + " in " + store.describe()));
            ids.add(run.drill().orElseThrow(() -> new IllegalArgumentException("run " + runId + " is no drill; a game day report is of drills")));
        }
        return List.copyOf(ids);
    }

    /** The latest game days, newest first. */
    public List<Summary> latest(int limit) {
        return store.gameDays().gameDays(limit).stream().map(Summary::of).toList();
    }

    /** The scenario of a game day, read from the store once: what a drill's simulated AWS answers from. */
    public Optional<Scenario> scenarioOfGameDay(String id) {
        Scenario known = scenarios.get(id);
        if (known != null) {
            return Optional.of(known);
        }
        return store.gameDays().gameDay(id).map(this::scenario);
    }

    private Scenario scenario(GameDay gameDay) {
        return scenarios.computeIfAbsent(gameDay.id(), key -> Scenario.stored(key, gameDay.scenario()));
    }

    private List<StoredRun> runsOf(String id) {
        List<StoredRun> runs = new ArrayList<>(store.runs(RunQuery.ofGameDay(id)));
        runs.sort(Comparator.comparing(StoredRun::startedAt).thenComparing(StoredRun::id));
        return runs;
    }

    private List<Expectations.Drill> drills(List<StoredRun> runs) {
        return runs.stream().map(this::drill).toList();
    }

    private Expectations.Drill drill(StoredRun run) {
        List<RunEvent> history = store.events(run.id());
        return new Expectations.Drill(run.id(), run.runbookId(), history);
    }
}
