package dev.opsbook.record;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.engine.ForEachItems;
import dev.opsbook.engine.Redactor;
import dev.opsbook.engine.RunState;
import dev.opsbook.engine.StepExecution;
import java.util.List;
import java.util.Optional;

/** A for-each step in the run's JSON summary: the step once, with its items in input order under {@code items}. */
final class ForEachJson {

    private ForEachJson() {
    }

    /** Adds {@code foreach} and {@code items} to {@code step} when {@code x} is a for-each step's execution. */
    static void items(ObjectNode step, RunState state, StepExecution x, Redactor redactor) {
        Optional<ArrayNode> listed = ForEachItems.items(x);
        if (listed.isEmpty()) {
            return;
        }
        step.put("foreach", x.input().path("foreach").asText());
        ArrayNode items = step.putArray("items");
        List<Optional<StepExecution>> executions = ForEachItems.of(state, x);
        for (int i = 0; i < executions.size(); i++) {
            ObjectNode item = items.addObject();
            item.put("index", i);
            item.set("item", redactor.json(listed.get().get(i)));
            Optional<StepExecution> ran = executions.get(i);
            item.put("status", ran.map(e -> e.status().label()).orElse("not-started"));
            ran.ifPresent(e -> {
                item.put("attempts", e.attempts().size());
                e.duration().ifPresent(d -> item.put("durationMs", d.toMillis()));
                if (!e.message().isEmpty()) {
                    item.put("message", redactor.text(e.message()));
                }
                item.set("outputs", redactor.json(e.outputs()));
            });
        }
    }
}
