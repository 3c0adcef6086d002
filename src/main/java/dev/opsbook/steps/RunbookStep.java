package dev.opsbook.steps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.engine.ChildRuns;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.engine.StepCall;
import dev.opsbook.engine.StepExecutor;
import dev.opsbook.engine.StepOutcome;
import dev.opsbook.runbook.StepCheck;
import dev.opsbook.runbook.StepKindSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code runbook} kind: runs another runbook, named by {@code runbook} (an id of the runbooks read with it) or
 * {@code path} (relative to this file), as a child run with {@code parameters}, through the host's {@link ChildRuns}.
 * The step ends as its child does; a child waiting for a person makes the step wait.
 */
public final class RunbookStep implements StepExecutor {

    private final ChildRuns children;

    public RunbookStep(ChildRuns children) {
        this.children = children;
    }

    @Override
    public StepKindSpec spec() {
        return StepKindSpec.yaml("runbook", Set.of(), Set.of("runbook", "path", "parameters")).withCheck((step, kind) -> {
            JsonNode body = step.settings();
            List<StepCheck.Problem> problems = new ArrayList<>();
            boolean byId = body != null && body.hasNonNull("runbook");
            boolean byPath = body != null && body.hasNonNull("path");
            if (byId == byPath) {
                problems.add(StepCheck.Problem.error(byId ? "/path" : "",
                        "a runbook step names the runbook to run with either runbook: ID (a runbook read with this one) or path: ./FILE.md"
                                + " (relative to this file)" + (byId ? ", not both" : "")));
            }
            for (String key : List.of("runbook", "path")) {
                if (body != null && body.has(key) && !body.get(key).isTextual()) {
                    problems.add(StepCheck.Problem.error("/" + key, key + " must be text, e.g. " + key + ": "
                            + (key.equals("path") ? "./recover-instance.md" : "recover-instance")));
                }
            }
            if (body != null && body.has("parameters") && !body.get("parameters").isObject()) {
                problems.add(StepCheck.Problem.error("/parameters", "parameters must map the child's parameter names to values,"
                        + " e.g. parameters: {instance: '{{ params.instance }}'}"));
            }
            return problems;
        }).withTraits(StepKindSpec.Trait.RUNS_A_RUNBOOK);
    }

    @Override
    public StepOutcome execute(StepCall call) throws InterruptedException {
        JsonNode input = call.input();
        boolean byPath = input.hasNonNull("path");
        String reference = input.path(byPath ? "path" : "runbook").asText();
        Map<String, String> params = new LinkedHashMap<>();
        input.path("parameters").fields().forEachRemaining(f -> params.put(f.getKey(),
                f.getValue().isValueNode() ? f.getValue().asText() : f.getValue().toString()));
        java.util.Optional<String> undone = ChildRuns.undone(call.key(), call.step().id());
        ChildRuns.Call child = new ChildRuns.Call(call.runId(), undone.orElse(call.key()), reference, byPath, params, call.interaction(),
                call.workingDirectory());
        if (undone.isPresent()) {
            return ChildUndo.outcome(children, child, "its parent run " + call.runId() + " rolls back its step '" + undone.get() + "'");
        }
        ChildRuns.Child ended;
        try {
            ended = children.run(child);
        } catch (ChildRuns.Refused e) {
            return new StepOutcome.Failed(e.getMessage(), null);
        }
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        result.put("run", ended.runId());
        result.put("runbook", ended.runbookId());
        result.put("status", ended.status().label());
        result.put("message", ended.message());
        result.set("outputs", ended.outputs() == null ? JsonNodeFactory.instance.objectNode() : ended.outputs());
        String which = "child run " + ended.runId() + " of " + ended.runbookId();
        if (ended.status() == RunStatus.SUCCEEDED) {
            return new StepOutcome.Succeeded(result, ended.outputs() instanceof ObjectNode outputs ? outputs.deepCopy()
                    : JsonNodeFactory.instance.objectNode());
        }
        if (ended.status() == RunStatus.WAITING) {
            return new StepOutcome.Waiting(which + " waits: " + ended.message(), result);
        }
        return new StepOutcome.Failed(which + " " + ended.status().label() + (ended.message().isEmpty() ? "" : ": " + ended.message()), result);
    }

    /** Running it again finds the child it started (one child run id per step execution), so nothing is done twice. */
    @Override
    public boolean safeToRetry(JsonNode input) {
        return true;
    }

    @Override
    public String describe(dev.opsbook.runbook.Step step, JsonNode input) {
        return "ran runbook " + input.path(input.hasNonNull("path") ? "path" : "runbook").asText() + " as a child run";
    }
}
