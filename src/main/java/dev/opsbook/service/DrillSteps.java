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
import java.util.Optional;
import java.util.function.Function;

/**
 * The step kinds {@code serve} runs, with the kinds that call AWS guarded for drills: a drill's AWS call is answered from
 * its game day's scenario (read from the store, so on whichever instance runs it), and reaches AWS only when the scenario
 * says {@code live: true}. A run that is no drill is untouched.
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
        for (StepExecutor kind : real.all()) {
            guarded.add(kind.spec().traits().contains(StepKindSpec.Trait.CALLS_AWS) ? new Guarded(kind, scenarios) : kind);
        }
        return new StepExecutors(guarded);
    }

    private record Guarded(StepExecutor real, Function<String, Optional<Scenario>> scenarios) implements StepExecutor {

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
            return new StepOutcome.Failed("a drill never acts on AWS: game day " + gameDay
                    + (scenario.isEmpty() ? " is not in the store" : " answers no AWS call in this build")
                    + "; say live: true in the scenario to call AWS for real", JsonNodeFactory.instance.nullNode());
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
