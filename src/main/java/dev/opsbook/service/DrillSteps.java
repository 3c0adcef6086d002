package dev.opsbook.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.opsbook.engine.StepCall;
import dev.opsbook.engine.StepExecutor;
import dev.opsbook.engine.StepExecutors;
import dev.opsbook.engine.StepOutcome;
import dev.opsbook.gameday.Scenario;
import dev.opsbook.runbook.Step;
import dev.opsbook.runbook.StepKindSpec;
import dev.opsbook.steps.DrillMark;
import dev.opsbook.engine.ChildRuns;
import dev.opsbook.rehearsal.SimulatedAws;
import dev.opsbook.steps.Pacing;
import dev.opsbook.steps.StandardSteps;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The step kinds {@code serve} runs, with the kinds that call AWS guarded for drills: a drill's {@code aws}, {@code wait}
 * and {@code assert} steps run against {@link SimulatedAws} with its game day's {@code aws:} answers (the scenario read
 * from the store, so on whichever instance runs the drill), and reach AWS only when the scenario says {@code live: true}.
 * A call the scenario does not answer fails, saying how to simulate it. A run that is no drill is untouched; notifications
 * are not AWS steps: a drill's reach people, marked {@code [DRILL]} ({@link DrillMark}).
 */
public final class DrillSteps {

    private DrillSteps() {
    }

    /** The kinds guarded with the scenarios in {@code store} (a terminal resuming a drill). */
    public static StepExecutors guard(StepExecutors real, dev.opsbook.store.RunStore store) {
        return guard(real, id -> store.gameDays().gameDay(id).map(g -> Scenario.stored(g.id(), g.scenario())));
    }

    static StepExecutors guard(StepExecutors real, Function<String, Optional<Scenario>> scenarios) {
        java.util.List<StepExecutor> guarded = new java.util.ArrayList<>();
        Map<String, StepExecutors> simulated = new ConcurrentHashMap<>();
        for (StepExecutor kind : real.all()) {
            guarded.add(kind.spec().traits().contains(StepKindSpec.Trait.CALLS_AWS) ? new Guarded(kind, scenarios, simulated) : kind);
        }
        return new StepExecutors(guarded);
    }

    /**
     * //why: one simulated AWS per game day and instance, so a scenario's answers for one call are given in order across
     * its drills ({@code times}); another instance that runs a drill of it counts from the start
     */
    private record Guarded(StepExecutor real, Function<String, Optional<Scenario>> scenarios, Map<String, StepExecutors> simulated)
            implements StepExecutor {

        @Override
        public StepKindSpec spec() {
            return real.spec();
        }

        @Override
        public StepOutcome execute(StepCall call) throws InterruptedException {
            String gameDay = DrillMark.gameDay(call);
            if (gameDay == null) {
                return real.execute(call);
            }
            Optional<Scenario> scenario = scenarios.apply(gameDay);
            if (scenario.isPresent() && scenario.get().live()) {
                return real.execute(call);
            }
            if (scenario.isEmpty()) {
                return new StepOutcome.Failed("a drill never acts on AWS, and game day " + gameDay + " is not in the store to answer this"
                        + " step's calls", JsonNodeFactory.instance.nullNode());
            }
            return simulated.computeIfAbsent(gameDay, id -> StandardSteps.with(new SimulatedAws(scenario.get().answers()), Pacing.REAL,
                    "python3", ChildRuns.NONE)).find(real.spec().name()).orElseThrow().execute(call);
        }

        @Override
        public boolean safeToRetry(JsonNode input) {
            return real.safeToRetry(input);
        }

        @Override
        public String describe(Step step, JsonNode input) {
            return real.describe(step, input);
        }

        @Override
        public JsonNode preview(JsonNode input) {
            return real.preview(input);
        }
    }
}
