package dev.opsbook.record;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.engine.Plan;
import dev.opsbook.engine.Redactor;
import dev.opsbook.runbook.Runbook;

/** A dry run's plan as one JSON document (what {@code run --dry-run --output json} prints and the API answers); secrets masked. */
public final class PlanJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private PlanJson() {
    }

    public static ObjectNode of(Plan plan, Runbook runbook) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("runbook", plan.runbookId());
        out.put("dryRun", true);
        out.set("parameters", plan.redactor().json(maskedParams(runbook, plan.params())));
        plan.timeout().ifPresent(t -> out.put("timeout", dev.opsbook.runbook.Durations.written(t)));
        ArrayNode steps = out.putArray("steps");
        for (Plan.PlannedStep step : plan.steps()) {
            ObjectNode s = steps.addObject();
            s.put("id", step.id());
            s.put("kind", step.kind());
            s.set("after", JSON.valueToTree(step.after()));
            step.condition().ifPresent(c -> s.put("if", c));
            step.attributes().forEach((name, value) -> {
                switch (name) {
                    case "retries" -> s.put(name, Integer.parseInt(value));
                    case "idempotent" -> s.put(name, Boolean.parseBoolean(value));
                    default -> s.put(name, value);
                }
            });
            if (!step.handlerFor().isEmpty()) {
                s.set("handles", JSON.valueToTree(step.handlerFor()));
            }
            step.forEach().ifPresent(f -> {
                ObjectNode forEach = s.putObject("foreach").put("expression", f.expression()).put("concurrency", f.concurrency())
                        .put("maxErrors", f.maxErrors().toString());
                f.items().ifPresentOrElse(items -> forEach.set("items", plan.redactor().json(items)), () -> forEach.put("decidedAtRunTime", f.problem().isEmpty()));
                f.problem().ifPresent(p -> forEach.put("problem", p));
            });
            s.set("input", plan.redactor().json(step.input()));
        }
        return out;
    }

    public static JsonNode maskedParams(Runbook runbook, JsonNode params) {
        ObjectNode masked = JsonNodeFactory.instance.objectNode();
        params.fields().forEachRemaining(f -> {
            boolean secret = runbook.parameter(f.getKey()).map(p -> p.isSecret()).orElse(false);
            masked.set(f.getKey(), secret && !f.getValue().isNull() ? JsonNodeFactory.instance.textNode(Redactor.MASK) : f.getValue());
        });
        return masked;
    }
}
