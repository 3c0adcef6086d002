package dev.opsbook.rehearsal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.engine.ChildRuns;
import dev.opsbook.engine.Interaction;
import dev.opsbook.engine.SimulatedClock;
import dev.opsbook.engine.StepCall;
import dev.opsbook.engine.StepExecutor;
import dev.opsbook.engine.StepExecutors;
import dev.opsbook.engine.StepOutcome;
import dev.opsbook.runbook.Step;
import dev.opsbook.runbook.StepKindSpec;
import dev.opsbook.steps.HttpStep;
import dev.opsbook.steps.Pacing;
import dev.opsbook.steps.StandardSteps;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The step kinds of a rehearsal: each executor of this build, answering from a case's {@code steps:} where it names the
 * step. What would touch the world without one fails instead, saying how to simulate it: http steps, webhooks, child
 * runbooks (AWS calls, SNS included, go to the {@link SimulatedAws}); shell and python run for real unless
 * {@code strict}. People are answered by {@link #interaction()}. Thread-safe.
 */
public final class SimulatedSteps {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, StepAnswer> answers;
    private final boolean strict;
    private final List<String> unsimulated = new ArrayList<>();
    private final StepExecutors executors;

    public SimulatedSteps(SimulatedAws aws, SimulatedClock clock, String python, Map<String, StepAnswer> answers, boolean strict) {
        this.answers = Map.copyOf(answers);
        this.strict = strict;
        ChildRuns noChildren = call -> {
            throw new ChildRuns.Refused("not simulated");
        };
        this.executors = new StepExecutors(StandardSteps.with(aws, Pacing.on(clock), python, noChildren).all().stream()
                .<StepExecutor>map(Simulating::new).toList());
    }

    public StepExecutors executors() {
        return executors;
    }

    /** One line for each step that would have touched the world: what to add to simulate it. */
    public synchronized List<String> unsimulated() {
        return List.copyOf(unsimulated);
    }

    private synchronized StepOutcome refuse(String message) {
        unsimulated.add(message);
        return new StepOutcome.Failed(message, null);
    }

    /** Answers manual steps and approvals from {@code approve:} / {@code manual:}; one not answered leaves the run waiting. */
    public Interaction interaction() {
        return prompt -> {
            StepAnswer answer = answers.get(prompt.stepId());
            if (answer == null || !answer.isAnswer()) {
                throw new Interaction.Unavailable("nobody answers " + prompt.stepId() + " in this case; add steps: " + prompt.stepId()
                        + (prompt.kind() == Interaction.Ask.APPROVAL ? ": {approve: true}" : ": {manual: done}"));
            }
            boolean confirmed = answer.settings().has("approve") ? answer.settings().get("approve").asBoolean()
                    : answer.settings().get("manual").asText().equals("done");
            return new Interaction.Answer(confirmed, answer.settings().path("by").asText("tester"), "simulated", java.time.Instant.EPOCH,
                    "test case");
        };
    }

    private final class Simulating implements StepExecutor {

        private final StepExecutor real;

        Simulating(StepExecutor real) {
            this.real = real;
        }

        @Override
        public StepKindSpec spec() {
            return real.spec();
        }

        @Override
        public StepOutcome execute(StepCall call) throws InterruptedException {
            Step step = call.step();
            StepAnswer answer = answers.get(step.id());
            if (answer != null && !answer.isAnswer()) {
                return simulated(call, answer.settings());
            }
            String simulate = "add steps: " + step.id() + ": ";
            if (real instanceof HttpStep) {
                return refuse("http step " + step.id() + " (" + call.input().path("method").asText("GET") + " " + call.input().path("url").asText()
                        + ") is not simulated: " + simulate + "{status: 200, body: {...}}");
            }
            if (step.has(StepKindSpec.Trait.NOTIFIES) && call.input().hasNonNull("webhook")) {
                return refuse("notification " + step.id() + " posts to a webhook and is not simulated: " + simulate + "{result: {}}");
            }
            if (step.has(StepKindSpec.Trait.RUNS_A_RUNBOOK)) {
                return refuse("runbook step " + step.id() + " would start a child run and is not simulated: " + simulate + "{result: {...}}");
            }
            if (step.has(StepKindSpec.Trait.PROGRAM) && strict) {
                return refuse(step.kind() + " step " + step.id() + " is not simulated and the case is sandbox: strict: " + simulate
                        + "{exit: 0, stdout: ...}");
            }
            return real.execute(call);
        }

        private StepOutcome simulated(StepCall call, ObjectNode given) {
            if (given.has("fail")) {
                return new StepOutcome.Failed(given.get("fail").asText() + " [simulated]", given.path("result").isObject() ? given.get("result") : null);
            }
            if (given.has("result")) {
                return new StepOutcome.Succeeded(given.get("result"), outputs(given));
            }
            if (given.has("status") || given.has("body") || given.has("headers")) {
                ObjectNode result = JsonNodeFactory.instance.objectNode();
                int status = given.path("status").asInt(200);
                result.put("status", status);
                result.set("headers", given.path("headers").isObject() ? given.get("headers") : JsonNodeFactory.instance.objectNode());
                result.set("body", given.has("body") ? given.get("body") : JsonNodeFactory.instance.textNode(""));
                if (!HttpStep.expected(call.input().get("expect"), status)) {
                    return new StepOutcome.Failed(call.input().path("method").asText("GET") + " " + call.input().path("url").asText() + " answered "
                            + status + ", expected " + (call.input().has("expect") ? call.input().get("expect").toString() : "2xx") + " [simulated]", result);
                }
                return new StepOutcome.Succeeded(result);
            }
            ObjectNode result = JsonNodeFactory.instance.objectNode();
            int exit = given.path("exit").asInt(0);
            String stdout = given.path("stdout").asText("");
            String stderr = given.path("stderr").asText("");
            result.put("exitCode", exit).put("stdout", stdout).put("stderr", stderr);
            try {
                JsonNode json = stdout.isBlank() ? null : JSON.readTree(stdout);
                if (json != null && json.isContainerNode()) {
                    result.set("json", json);
                }
            } catch (java.io.IOException e) {
                // not JSON: stdout stays text, as a real script's does
            }
            if (exit != 0) {
                String lastLine = stderr.strip().lines().reduce((a, b) -> b).orElse("");
                return new StepOutcome.Failed("exit code " + exit + (lastLine.isEmpty() ? "" : ": " + lastLine) + " [simulated]", result);
            }
            return new StepOutcome.Succeeded(result, outputs(given));
        }

        private ObjectNode outputs(ObjectNode given) {
            return given.path("outputs").isObject() ? given.get("outputs").deepCopy() : JsonNodeFactory.instance.objectNode();
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
