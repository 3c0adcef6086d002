package dev.opsbook.runbook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opsbook.expression.ExpressionException;
import dev.opsbook.expression.Expressions;
import dev.opsbook.expression.Reference;
import dev.opsbook.expression.References;
import dev.opsbook.expression.Template;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads the front-matter keys for automation: {@code triggers}, {@code concurrency}, {@code limits}
 * and {@code escalation} (through {@link EscalationReader}). Everything but the syntax of event patterns is checked here; that is
 * EventBridge's language, checked by event-ruler outside the model (see {@code graph.RunbookCheck}).
 */
final class TriggerSettings {

    /** The top-level fields of an EventBridge event: a pattern naming another one never matches. */
    static final List<String> ENVELOPE_FIELDS_IN_ORDER = List.of(
            "version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail", "replay-name");
    static final Set<String> ENVELOPE_FIELDS = Set.copyOf(ENVELOPE_FIELDS_IN_ORDER);
    static final Set<String> TRIGGER_KEYS = Set.of("pattern", "parameters");
    static final Set<String> CONCURRENCY_KEYS = Set.of("key", "limit", "whenBusy");
    static final Set<String> LIMITS_KEYS = Set.of("maxRunsPerHour", "maxItems");
    /** What a concurrency key can read: it is computed before the run starts. */
    static final Set<String> KEY_ROOTS = Set.of("params", "event");

    /** Where problems go: the parser's diagnostics. */
    interface Sink {
        void error(Position at, String message);

        void warning(Position at, String message);
    }

    record Read(List<Trigger> triggers, Optional<Concurrency> concurrency, Optional<Limits> limits,
                Optional<Escalation> escalation) {
    }

    private final List<Parameter> parameters;
    private final Function<String, Position> position;
    private final Sink sink;

    private TriggerSettings(List<Parameter> parameters, Function<String, Position> position, Sink sink) {
        this.parameters = parameters;
        this.position = position;
        this.sink = sink;
    }

    /**
     * @param position where the value at a JSON pointer was written ("pointer#key" for a mapping key)
     */
    static Read read(JsonNode meta, List<Parameter> parameters, Function<String, Position> position, Sink sink) {
        TriggerSettings reading = new TriggerSettings(parameters, position, sink);
        return new Read(reading.triggers(meta.get("triggers")), reading.concurrency(meta.get("concurrency")),
                reading.limits(meta.get("limits")),
                new EscalationReader(position, sink).escalation(meta.get("escalation"), "/escalation"));
    }

    // ---- triggers -----------------------------------------------------------------------------

    private List<Trigger> triggers(JsonNode node) {
        List<Trigger> triggers = new ArrayList<>();
        if (node == null || node.isNull()) {
            return triggers;
        }
        if (!node.isArray()) {
            sink.error(position.apply("/triggers"), "triggers must be a list, each entry a pattern and its parameters:"
                    + " - pattern: { source: [aws.ec2] }");
            return triggers;
        }
        for (int i = 0; i < node.size(); i++) {
            trigger(i, node.get(i)).ifPresent(triggers::add);
        }
        return triggers;
    }

    private Optional<Trigger> trigger(int index, JsonNode entry) {
        String pointer = "/triggers/" + index;
        String label = "trigger " + (index + 1);
        Position at = position.apply(pointer);
        if (entry == null || !entry.isObject()) {
            sink.error(at, label + " must be a mapping with pattern: (an EventBridge event pattern) and parameters:");
            return Optional.empty();
        }
        entry.fieldNames().forEachRemaining(key -> {
            if (!TRIGGER_KEYS.contains(key)) {
                sink.error(position.apply(pointer + "/" + key + "#key"), "unknown key '" + key + "' in " + label
                        + Suggestions.didYouMean(key, TRIGGER_KEYS) + "; a trigger takes " + String.join(", ", sorted(TRIGGER_KEYS)));
            }
        });
        JsonNode pattern = entry.get("pattern");
        boolean patternOk = true;
        if (pattern == null || pattern.isNull()) {
            sink.error(at, label + " needs pattern:, an EventBridge event pattern such as { source: [aws.ec2] }");
            patternOk = false;
        } else if (!pattern.isObject()) {
            sink.error(position.apply(pointer + "/pattern"), "pattern of " + label
                    + " must be a mapping (an EventBridge event pattern such as { source: [aws.ec2] }), not "
                    + (pattern.isArray() ? "a list" : "a single value"));
            patternOk = false;
        } else if (pattern.isEmpty()) {
            sink.error(position.apply(pointer + "/pattern"), "pattern of " + label
                    + " is empty and would match every event; name at least the source, e.g. { source: [aws.ec2] }");
        } else {
            pattern.fieldNames().forEachRemaining(field -> {
                if (!ENVELOPE_FIELDS.contains(field) && !field.equals("$or")) {
                    sink.warning(position.apply(pointer + "/pattern/" + field.replace("~", "~0").replace("/", "~1") + "#key"),
                            "pattern of " + label + " names '" + field + "', which is not a field of EventBridge events, so it"
                                    + " never matches one" + Suggestions.didYouMean(field, ENVELOPE_FIELDS)
                                    + "; event fields are " + String.join(", ", ENVELOPE_FIELDS_IN_ORDER));
                }
            });
        }
        List<Trigger.Mapping> mappings = mappings(pointer, label, entry.get("parameters"));
        List<String> unmapped = new ArrayList<>();
        for (Parameter parameter : parameters) {
            boolean mapped = mappings.stream().anyMatch(m -> m.parameter().equals(parameter.name()));
            if (parameter.required() && parameter.defaultValue().isEmpty() && !mapped) {
                unmapped.add("'" + parameter.name() + "'");
            }
        }
        if (unmapped.size() == 1) {
            sink.error(at, label + " does not map the required parameter " + unmapped.get(0)
                    + ", which has no default, so an event could never start this runbook; map it under parameters:"
                    + " or give it a default");
        } else if (!unmapped.isEmpty()) {
            sink.error(at, label + " does not map the required parameters " + String.join(", ", unmapped.subList(0, unmapped.size() - 1))
                    + " and " + unmapped.get(unmapped.size() - 1)
                    + ", which have no default, so an event could never start this runbook; map them under parameters:"
                    + " or give them defaults");
        }
        if (!patternOk) {
            return Optional.empty();
        }
        return Optional.of(new Trigger(index, pattern, mappings, at, pointer));
    }

    private List<Trigger.Mapping> mappings(String pointer, String label, JsonNode node) {
        List<Trigger.Mapping> mappings = new ArrayList<>();
        String at = pointer + "/parameters";
        if (node == null || node.isNull()) {
            return mappings;
        }
        if (!node.isObject()) {
            sink.error(position.apply(at), "parameters of " + label
                    + " must map parameter names to JMESPath expressions over the event, e.g. { instanceId: 'detail.\"instance-id\"' }");
            return mappings;
        }
        List<String> declared = parameters.stream().map(Parameter::name).toList();
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String name = field.getKey();
            JsonNode value = field.getValue();
            Position valueAt = position.apply(at + "/" + name);
            boolean ok = true;
            if (declared.stream().noneMatch(name::equals)) {
                sink.error(position.apply(at + "/" + name + "#key"), label + " maps '" + name + "', which is not a declared parameter"
                        + Suggestions.didYouMean(name, declared)
                        + (declared.isEmpty() ? "; the runbook declares no parameters" : "; parameters are " + String.join(", ", declared)));
                ok = false;
            }
            if (!value.isTextual() || value.textValue().isBlank()) {
                sink.error(valueAt, label + ", parameter '" + name
                        + "': write a JMESPath expression over the event (a string), e.g. 'detail.state'");
                continue;
            }
            String expression = RunbookParser.unwrapTemplate(value.textValue());
            try {
                Expressions.compile(expression);
            } catch (ExpressionException e) {
                sink.error(valueAt, label + ", parameter '" + name + "': " + e.getMessage());
                continue;
            }
            if (References.in(expression).stream().anyMatch(r -> r.root().equals("event") && r.offset() == leading(expression))) {
                sink.warning(valueAt, label + ", parameter '" + name + "': the expression is read over the event itself,"
                        + " so 'event.' looks for a field named event; write e.g. detail.state, not event.detail.state");
            }
            if (ok) {
                mappings.add(new Trigger.Mapping(name, expression, valueAt));
            }
        }
        return mappings;
    }

    private static int leading(String expression) {
        int i = 0;
        while (i < expression.length() && Character.isWhitespace(expression.charAt(i))) {
            i++;
        }
        return i;
    }

    // ---- concurrency, limits (escalation: see EscalationReader) ---------------------------------

    private Optional<Concurrency> concurrency(JsonNode node) {
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        Position at = position.apply("/concurrency");
        if (!node.isObject()) {
            sink.error(at, "concurrency must be a mapping such as { key: \"{{ params.instanceId }}\", limit: 1, whenBusy: queue }");
            return Optional.empty();
        }
        unknownKeys(node, "/concurrency", "concurrency", CONCURRENCY_KEYS);
        boolean ok = true;
        Optional<String> key = Optional.empty();
        JsonNode keyNode = node.get("key");
        if (keyNode != null && !keyNode.isNull()) {
            if (!keyNode.isValueNode()) {
                sink.error(position.apply("/concurrency/key"), "concurrency key must be text, usually a template such as \"{{ params.instanceId }}\"");
                ok = false;
            } else {
                key = Optional.of(keyNode.asText());
                ok &= concurrencyKey(keyNode.asText(), position.apply("/concurrency/key"));
            }
        }
        int limit = 1;
        if (node.has("limit")) {
            Optional<Integer> value = atLeastOne(node.get("limit"));
            if (value.isEmpty()) {
                sink.error(position.apply("/concurrency/limit"), "concurrency limit must be a whole number of runs at once, 1 or more, not "
                        + shown(node.get("limit")));
                ok = false;
            } else {
                limit = value.get();
            }
        }
        Concurrency.WhenBusy whenBusy = Concurrency.WhenBusy.QUEUE;
        JsonNode busy = node.get("whenBusy");
        if (busy != null && !busy.isNull()) {
            List<String> labels = java.util.Arrays.stream(Concurrency.WhenBusy.values()).map(Concurrency.WhenBusy::label).toList();
            String text = busy.isValueNode() ? busy.asText() : busy.toString();
            Optional<Concurrency.WhenBusy> value = java.util.Arrays.stream(Concurrency.WhenBusy.values())
                    .filter(w -> w.label().equals(text)).findFirst();
            if (value.isEmpty()) {
                sink.error(position.apply("/concurrency/whenBusy"), "whenBusy must be 'queue' (wait for a running one to end) or"
                        + " 'drop' (do not run, escalate), not '" + text + "'" + Suggestions.didYouMean(text.toLowerCase(Locale.ROOT), labels));
                ok = false;
            } else {
                whenBusy = value.get();
            }
        }
        return ok ? Optional.of(new Concurrency(key, limit, whenBusy, at)) : Optional.empty();
    }

    private boolean concurrencyKey(String key, Position at) {
        if (!Template.isTemplate(key)) {
            return true; // a fixed key: one for every run, like no key
        }
        Template template;
        try {
            template = Template.parse(key);
        } catch (ExpressionException e) {
            sink.error(at, "concurrency key: " + e.getMessage());
            return false;
        }
        boolean ok = true;
        if (!template.secrets().isEmpty()) {
            sink.error(at, "concurrency key cannot read secrets: it is stored and shown with every run");
            ok = false;
        }
        List<String> declared = parameters.stream().map(Parameter::name).toList();
        for (Template.Expr expr : template.expressions()) {
            Optional<String> unknown = References.unknownRoot(expr.expression());
            if (unknown.isPresent()) {
                sink.error(at, "concurrency key: '" + unknown.get() + "' is not something the key can read; it reads params and event"
                        + Suggestions.didYouMean(unknown.get(), KEY_ROOTS));
                ok = false;
            }
            for (Reference reference : References.in(expr.expression())) {
                if (reference.root().equals("params") && !declared.contains(reference.name())) {
                    sink.error(at, "concurrency key: params." + reference.name() + " is not a declared parameter"
                            + Suggestions.didYouMean(reference.name(), declared) + "; declare it under parameters: in the front matter");
                    ok = false;
                } else if (!KEY_ROOTS.contains(reference.root())) {
                    sink.error(at, "concurrency key: " + reference.root() + "." + reference.name()
                            + " is not known before the run starts; the key reads params and event");
                    ok = false;
                }
            }
        }
        return ok;
    }

    private Optional<Limits> limits(JsonNode node) {
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        Position at = position.apply("/limits");
        if (!node.isObject()) {
            sink.error(at, "limits must be a mapping such as { maxRunsPerHour: 5 }");
            return Optional.empty();
        }
        unknownKeys(node, "/limits", "limits", LIMITS_KEYS);
        JsonNode max = node.get("maxRunsPerHour");
        JsonNode items = node.get("maxItems");
        if ((max == null || max.isNull()) && (items == null || items.isNull())) {
            sink.error(at, "limits needs maxRunsPerHour:, the most runs events may start in an hour, e.g. { maxRunsPerHour: 5 },"
                    + " or maxItems:, the most items a for-each step may have, e.g. { maxItems: 200 }");
            return Optional.empty();
        }
        Optional<Integer> perHour = Optional.empty();
        if (max != null && !max.isNull()) {
            perHour = atLeastOne(max);
            if (perHour.isEmpty()) {
                sink.error(position.apply("/limits/maxRunsPerHour"), "maxRunsPerHour must be a whole number of runs, 1 or more, not " + shown(max));
                return Optional.empty();
            }
        }
        Optional<Integer> maxItems = Optional.empty();
        if (items != null && !items.isNull()) {
            maxItems = atLeastOne(items);
            if (maxItems.isEmpty()) {
                sink.error(position.apply("/limits/maxItems"), "maxItems must be a whole number of items, 1 or more, not " + shown(items)
                        + "; without it a for-each may have " + ForEach.DEFAULT_MAX_ITEMS + " items");
                return Optional.empty();
            }
        }
        return Optional.of(new Limits(perHour, at, maxItems));
    }

    private void unknownKeys(JsonNode node, String pointer, String what, Set<String> known) {
        node.fieldNames().forEachRemaining(key -> {
            if (!known.contains(key)) {
                sink.error(position.apply(pointer + "/" + key + "#key"), "unknown key '" + key + "' in " + what
                        + Suggestions.didYouMean(key, known) + "; " + what + " takes " + String.join(", ", sorted(known)));
            }
        });
    }

    private static Optional<Integer> atLeastOne(JsonNode value) {
        if (value != null && value.isIntegralNumber() && value.canConvertToInt() && value.intValue() >= 1) {
            return Optional.of(value.intValue());
        }
        return Optional.empty();
    }

    private static String shown(JsonNode value) {
        return value == null ? "nothing" : value.isTextual() ? "'" + value.textValue() + "'" : value.toString();
    }

    private static List<String> sorted(Set<String> names) {
        return names.stream().sorted().toList();
    }
}
