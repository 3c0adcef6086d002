package dev.opsbook.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.runbook.Parameter;
import dev.opsbook.runbook.Runbook;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Masks secret values wherever they would be shown: records, progress lines, JSON output. The
 * values are those of the run's secret parameters; a step that echoes one has it masked too.
 */
public final class Redactor {

    public static final String MASK = "********";
    public static final Redactor NONE = new Redactor(List.of());

    // //why: replaced whole on add, so readers on other threads always see a complete list
    private volatile List<String> secrets;

    private Redactor(List<String> secrets) {
        this.secrets = sorted(secrets);
    }

    private static List<String> sorted(List<String> secrets) {
        return secrets.stream().filter(s -> s.length() >= 3).distinct()
                .sorted(Comparator.comparingInt(String::length).reversed()).toList();
    }

    /** A secret learnt during the run (read from a secret store): masked from now on. */
    public synchronized void add(String secret) {
        if (this == NONE) {
            throw new IllegalStateException("the shared empty redactor cannot learn secrets");
        }
        List<String> all = new ArrayList<>(secrets);
        all.add(secret);
        secrets = sorted(all);
    }

    public static Redactor of(Runbook runbook, JsonNode params) {
        List<String> secrets = new ArrayList<>();
        for (Parameter parameter : runbook.parameters()) {
            JsonNode value = params.get(parameter.name());
            if (parameter.isSecret() && value != null && !value.isNull()) {
                secrets.add(value.asText());
            }
        }
        return new Redactor(secrets);
    }

    public String text(String text) {
        if (text == null || secrets.isEmpty()) {
            return text;
        }
        String out = text;
        for (String secret : secrets) {
            out = out.replace(secret, MASK);
        }
        return out;
    }

    /** The event with every secret in its messages, inputs, results and outputs masked. */
    public RunEvent event(RunEvent event) {
        if (secrets.isEmpty()) {
            return event;
        }
        if (event instanceof RunEvent.StepStarted e) {
            return new RunEvent.StepStarted(e.at(), e.key(), e.stepId(), e.role(), e.forStep(), json(e.input()));
        }
        if (event instanceof RunEvent.AttemptFinished e) {
            Attempt a = e.attempt();
            return new RunEvent.AttemptFinished(e.at(), e.key(), new Attempt(a.number(), a.startedAt(), a.endedAt(),
                    a.succeeded(), text(a.message()), json(a.result())), e.retryIn());
        }
        if (event instanceof RunEvent.StepFinished e) {
            return new RunEvent.StepFinished(e.at(), e.key(), e.status(), json(e.outputs()), text(e.message()));
        }
        if (event instanceof RunEvent.CallMade e) {
            return new RunEvent.CallMade(e.at(), e.key(), json(e.call()));
        }
        if (event instanceof RunEvent.StepAnswered e) {
            Interaction.Answer a = e.answer();
            return new RunEvent.StepAnswered(e.at(), e.key(), new Interaction.Answer(a.confirmed(), a.by(), text(a.comment()), a.at(), a.how()));
        }
        if (event instanceof RunEvent.RunFinished e) {
            return new RunEvent.RunFinished(e.at(), e.status(), text(e.message()));
        }
        return event;
    }

    public JsonNode json(JsonNode node) {
        if (node == null || secrets.isEmpty()) {
            return node;
        }
        if (node.isTextual()) {
            return JsonNodeFactory.instance.textNode(text(node.textValue()));
        }
        if (node.isObject()) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            for (Map.Entry<String, JsonNode> field : (Iterable<Map.Entry<String, JsonNode>>) node::fields) {
                out.set(field.getKey(), json(field.getValue()));
            }
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            node.forEach(item -> out.add(json(item)));
            return out;
        }
        return node;
    }
}
