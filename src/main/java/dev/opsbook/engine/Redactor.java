package dev.opsbook.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.expression.ExpressionException;
import dev.opsbook.expression.Expressions;
import dev.opsbook.runbook.Parameter;
import dev.opsbook.runbook.Runbook;
import dev.opsbook.runbook.Trigger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Masks secret values wherever they would be shown or kept: records, progress lines, JSON output,
 * stored events, audit trails. A run has one, made from what its start holds
 * ({@link #forRun(Runbook, RunEvent.RunStarted)}), so whoever shows a run (the engine, a record
 * rendered from the store, a page, the API) masks the same values. Those are, whatever their
 * source: each secret parameter's value (the command line, the API, the web form), its
 * {@code default:}, and what the runbook's triggers map from the triggering event to a secret
 * parameter; plus each secret the run reads from a secret store ({@link #add}). A step that echoes
 * one has it masked too.
 */
public final class Redactor {

    public static final String MASK = "********";

    private final java.util.Set<String> secretParameters;
    // //why: replaced whole on add, so readers on other threads always see a complete list
    private volatile List<String> secrets;

    private Redactor(java.util.Set<String> secretParameters, List<String> secrets) {
        this.secretParameters = java.util.Set.copyOf(secretParameters);
        this.secrets = sorted(secrets);
    }

    private static List<String> sorted(List<String> secrets) {
        return secrets.stream().filter(s -> s.length() >= 3 && !s.equals(MASK)).distinct()
                .sorted(Comparator.comparingInt(String::length).reversed()).toList();
    }

    /** A secret learnt during the run (read from a secret store): masked from now on. */
    public synchronized void add(String secret) {
        List<String> all = new ArrayList<>(secrets);
        all.add(secret);
        secrets = sorted(all);
    }

    /** The redactor of the run this event started: the same whether the event is the one in memory or the one in the store. */
    public static Redactor forRun(Runbook runbook, RunEvent.RunStarted started) {
        return of(runbook, started.params(), started.event());
    }

    /** The redactor of a run from its history (which starts with its {@link RunEvent.RunStarted}). */
    public static Redactor forRun(Runbook runbook, List<RunEvent> history) {
        if (history.isEmpty() || !(history.get(0) instanceof RunEvent.RunStarted started)) {
            return of(runbook, null, null);
        }
        return forRun(runbook, started);
    }

    /**
     * The secrets of a run of {@code runbook} with these parameters and triggering event (either may be null: a plan
     * has no event, a stored run holds its secret parameters masked).
     */
    public static Redactor of(Runbook runbook, JsonNode params, JsonNode event) {
        java.util.Set<String> names = new java.util.HashSet<>();
        List<String> secrets = new ArrayList<>();
        for (Parameter parameter : runbook.parameters()) {
            if (!parameter.isSecret()) {
                continue;
            }
            names.add(parameter.name());
            addText(secrets, params == null ? null : params.get(parameter.name()));
            parameter.defaultValue().ifPresent(value -> addText(secrets, value));
        }
        secrets.addAll(mappedSecrets(runbook, event));
        return new Redactor(names, secrets);
    }

    /** What the triggers of these runbooks read from an event into secret parameters: masked before the event is kept. */
    public static Redactor forEvent(java.util.Collection<Runbook> runbooks, JsonNode event) {
        List<String> secrets = new ArrayList<>();
        runbooks.forEach(runbook -> secrets.addAll(mappedSecrets(runbook, event)));
        return new Redactor(java.util.Set.of(), secrets);
    }

    /** True when there is nothing to mask. */
    public boolean isEmpty() {
        return secrets.isEmpty();
    }

    /**
     * //why: every trigger's mapping, matched or not: a value an event carries where a trigger reads a secret is a secret,
     * even when the mapping fails (a bad value of another parameter) or the pattern just misses
     */
    private static List<String> mappedSecrets(Runbook runbook, JsonNode event) {
        List<String> secrets = new ArrayList<>();
        if (event == null || !event.isObject()) {
            return secrets;
        }
        for (Trigger trigger : runbook.triggers()) {
            for (Trigger.Mapping mapping : trigger.parameters()) {
                if (runbook.parameter(mapping.parameter()).map(Parameter::isSecret).orElse(false)) {
                    try {
                        addText(secrets, Expressions.evaluate(mapping.expression(), event));
                    } catch (ExpressionException e) {
                        // a mapping that cannot be read gives no value to mask
                    }
                }
            }
        }
        return secrets;
    }

    private static void addText(List<String> secrets, JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return;
        }
        if (value.isValueNode()) {
            secrets.add(value.asText());
        } else {
            value.forEach(item -> addText(secrets, item));
        }
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

    /**
     * The event with every secret in its parameters, triggering event, messages, inputs, results and outputs masked.
     * //why: a secret parameter is masked whatever its value (even one too short to mask in text), so that the store never
     * holds it; a run resumed from the store sees it masked
     */
    public RunEvent event(RunEvent event) {
        if (secrets.isEmpty() && !(event instanceof RunEvent.RunStarted)) {
            return event;
        }
        if (event instanceof RunEvent.RunStarted e) {
            return new RunEvent.RunStarted(e.at(), e.runId(), e.runbookId(), e.title(), e.contentHash(), maskedParameters(e.params()),
                    e.env(), e.startedBy(), e.trigger(), json(e.event()), e.drill(), e.incident());
        }
        if (event instanceof RunEvent.StepStarted e) {
            return new RunEvent.StepStarted(e.at(), e.key(), e.stepId(), e.role(), e.forStep(), json(e.input()));
        }
        if (event instanceof RunEvent.AttemptFinished e) {
            Attempt a = e.attempt();
            return new RunEvent.AttemptFinished(e.at(), e.key(), new Attempt(a.number(), a.startedAt(), a.endedAt(),
                    a.succeeded(), text(a.message()), json(a.result())), e.retryAt());
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

    private ObjectNode maskedParameters(ObjectNode params) {
        if (params == null) {
            return null;
        }
        ObjectNode out = params.deepCopy();
        for (String name : secretParameters) {
            if (out.hasNonNull(name)) {
                out.put(name, MASK);
            }
        }
        return (ObjectNode) json(out);
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
