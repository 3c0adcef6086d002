package dev.opsbook.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.engine.Plan;
import dev.opsbook.engine.Redactor;
import dev.opsbook.engine.RunState;
import dev.opsbook.engine.StepExecution;
import dev.opsbook.expression.References;
import dev.opsbook.graph.StepGraph;
import dev.opsbook.runbook.Step;
import java.util.ArrayList;
import java.util.List;

/**
 * What the steps after a waiting step would do if the answer is yes, rendered with what the run knows now: the run page
 * shows it beside the Approve button, and an escalation tells it to whoever must decide. One source for both.
 */
public final class NextSteps {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** @param input the step's input as it would run (a script as the script), secrets masked */
    public record Next(String id, String kind, String input) {
    }

    private NextSteps() {
    }

    public static List<Next> after(StepGraph graph, RunState state, StepExecution waiting, Redactor redactor) {
        List<Next> next = new ArrayList<>();
        if (graph.flow().contains(waiting.stepId())) {
            for (String id : graph.dependents(waiting.stepId())) {
                Step step = graph.step(id);
                JsonNode preview = redactor.json(preview(step, state));
                // a script reads best as the script
                next.add(new Next(id, step.kind(), preview.size() == 1 && preview.has("script") ? preview.get("script").asText() : pretty(preview)));
            }
        }
        return next;
    }

    /** A step's input rendered with what the run knows now; what only later steps can tell stays as written. */
    private static JsonNode preview(Step step, RunState state) {
        ObjectNode context = state.context();
        java.util.function.Predicate<String> unknownYet = expression -> References.in(expression).stream()
                .anyMatch(r -> r.root().equals("steps") && state.executions().values().stream()
                        .noneMatch(x -> x.stepId().equals(r.name()) && x.status().isTerminal()));
        return Plan.render(step, context, unknownYet);
    }

    private static String pretty(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return String.valueOf(node);
        }
    }
}
