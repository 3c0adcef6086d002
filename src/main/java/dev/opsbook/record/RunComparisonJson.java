package dev.opsbook.record;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** A {@link RunComparison} for machines: {@code opsbook diff --output json} and {@code GET /api/runs/{a}/diff/{b}}. */
public final class RunComparisonJson {

    private RunComparisonJson() {
    }

    public static ObjectNode of(RunComparison c) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.set("a", side(c.a()));
        json.set("b", side(c.b()));
        json.put("sameRunbook", c.sameRunbook());
        json.put("outcomeChanged", c.outcomeChanged());
        millis(json, "durationDeltaMs", c.durationDelta());
        ArrayNode parameters = json.putArray("parameters");
        for (RunComparison.ParameterRow p : c.parameters()) {
            ObjectNode row = parameters.addObject();
            row.put("name", p.name());
            p.a().ifPresent(v -> row.put("a", v));
            p.b().ifPresent(v -> row.put("b", v));
            row.put("change", p.change().label());
        }
        ArrayNode steps = json.putArray("steps");
        for (ComparedSteps.Row s : c.steps()) {
            ObjectNode row = steps.addObject();
            row.put("key", s.key());
            row.put("step", s.stepId());
            row.put("role", s.role());
            row.put("changed", s.changed());
            row.set("a", cell(s.a()));
            row.set("b", cell(s.b()));
            millis(row, "durationDeltaMs", s.delta());
        }
        ObjectNode people = json.putObject("people");
        people.set("a", acts(c.peopleA()));
        people.set("b", acts(c.peopleB()));
        ObjectNode text = json.putObject("runbookText");
        text.put("changed", c.runbookText().changed());
        c.runbookText().missing().ifPresent(m -> text.put("missing", m));
        if (!c.runbookText().unified().isEmpty()) {
            text.put("diff", String.join("\n", c.runbookText().unified()) + "\n");
        }
        return json;
    }

    private static ObjectNode side(RunComparison.Side s) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("run", s.runId());
        json.put("runbook", s.runbookId());
        json.put("title", s.title());
        json.put("contentHash", s.contentHash());
        json.put("status", s.status());
        json.put("message", s.message());
        json.put("trigger", s.trigger());
        json.put("startedBy", s.startedBy());
        if (!s.event().isEmpty()) {
            json.put("event", s.event());
        }
        s.drill().ifPresent(d -> json.put("gameday", d));
        json.put("startedAt", s.startedAt().toString());
        s.endedAt().ifPresent(end -> json.put("endedAt", end.toString()));
        millis(json, "durationMs", s.duration());
        return json;
    }

    private static ObjectNode cell(ComparedSteps.Cell cell) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("status", cell.status());
        if (cell.happened()) {
            json.put("attempts", cell.attempts());
        }
        millis(json, "durationMs", cell.duration());
        putIfAny(json, "outputs", cell.outputs());
        putIfAny(json, "message", cell.message());
        putIfAny(json, "answer", cell.answer());
        putIfAny(json, "items", cell.items());
        return json;
    }

    private static ArrayNode acts(List<RunComparison.Act> acts) {
        ArrayNode json = JsonNodeFactory.instance.arrayNode();
        for (RunComparison.Act act : acts) {
            ObjectNode row = json.addObject();
            row.put("at", act.at().toString());
            row.put("who", act.who());
            row.put("what", act.what());
            row.put("step", act.step());
            putIfAny(row, "comment", act.comment());
        }
        return json;
    }

    private static void millis(ObjectNode json, String name, Optional<Duration> duration) {
        duration.ifPresent(d -> json.put(name, d.toMillis()));
    }

    private static void putIfAny(ObjectNode json, String name, String text) {
        if (!text.isEmpty()) {
            json.put(name, text);
        }
    }
}
