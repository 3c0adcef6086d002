package dev.opsbook.record;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.engine.Redactor;
import dev.opsbook.engine.RunResult;
import dev.opsbook.engine.StepExecution;

/** A finished run for machines ({@code --output json}), secrets masked. */
public final class JsonSummary {

    private JsonSummary() {
    }

    public static ObjectNode of(RunResult result, String recordPath) {
        var state = result.state();
        Redactor redactor = result.redactor();
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("run", state.runId());
        json.put("runbook", state.runbookId());
        json.put("status", state.status().label());
        json.put("message", redactor.text(state.message()));
        json.put("startedBy", state.startedBy());
        json.put("trigger", state.trigger());
        json.put("drill", state.drill().isPresent());
        state.drill().ifPresent(gameDay -> json.put("gameday", gameDay));
        json.put("startedAt", state.startedAt().toString());
        state.endedAt().ifPresent(end -> json.put("endedAt", end.toString()));
        ObjectNode params = json.putObject("parameters");
        state.params().fields().forEachRemaining(field -> {
            boolean secret = result.runbook().parameter(field.getKey()).map(p -> p.isSecret()).orElse(false);
            params.set(field.getKey(), secret && !field.getValue().isNull() ? JsonNodeFactory.instance.textNode(Redactor.MASK) : field.getValue());
        });
        if (recordPath != null) {
            json.put("record", recordPath);
        }
        ArrayNode steps = json.putArray("steps");
        for (StepExecution x : state.executions().values()) {
            if (x.role() == dev.opsbook.engine.Role.ITEM) {
                continue; // under their for-each step's items
            }
            ObjectNode step = steps.addObject();
            step.put("id", x.stepId());
            step.put("role", x.role().label());
            x.forStep().ifPresent(f -> step.put("for", f));
            step.put("status", x.status().label());
            step.put("attempts", x.attempts().size());
            x.duration().ifPresent(d -> step.put("durationMs", d.toMillis()));
            if (!x.message().isEmpty()) {
                step.put("message", redactor.text(x.message()));
            }
            step.set("outputs", redactor.json(x.outputs()));
            ForEachJson.items(step, state, x, redactor);
        }
        return json;
    }
}
