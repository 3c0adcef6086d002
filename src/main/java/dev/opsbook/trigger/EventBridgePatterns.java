package dev.opsbook.trigger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A trigger's pattern as an EventBridge rule takes it. event-ruler, which opsbook matches with,
 * reads a few forms EventBridge's documented syntax has not: {@code {"exactly": "x"}} (written
 * {@code "x"} for EventBridge, same meaning), and {@code anything-but} with a list of
 * {@code prefix} or {@code suffix} values (EventBridge takes one). A list of one is written as
 * the one value; a longer list cannot be said to EventBridge, so the rule is widened there: the
 * field is dropped (any value, or none, passes) and opsbook's own match, which keeps the pattern
 * as written, decides. Widening lets more events onto the queue, never fewer.
 *
 * <p>Also the canonical form rules are compared in: keys sorted, value lists sorted and without
 * duplicates (a list is an "or", its order means nothing), so two triggers written differently
 * but meaning the same make one rule.
 */
public final class EventBridgePatterns {

    /** Where a pattern was widened (a JSON pointer into it) and why. */
    public record Widening(String pointer, String reason) {
    }

    /** The pattern for EventBridge, and where it is wider than the trigger's. */
    public record Converted(ObjectNode pattern, List<Widening> widenings) {
        public Converted {
            widenings = List.copyOf(widenings);
        }
    }

    /** //why: every EventBridge event has a source, so this passes all of them; an empty pattern is refused by EventBridge. */
    static final String EVERY_EVENT = "{\"source\":[{\"exists\":true}]}";

    private static final Comparator<JsonNode> BY_TEXT = Comparator.comparing(JsonNode::toString);

    private EventBridgePatterns() {
    }

    /** The pattern in canonical form, as EventBridge takes it, widened where it must be. */
    public static Converted forEventBridge(JsonNode pattern) {
        List<Widening> widenings = new ArrayList<>();
        ObjectNode converted = object(pattern, "", widenings).orElse(null);
        if (converted == null || converted.isEmpty()) {
            try {
                converted = (ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper().readTree(EVERY_EVENT);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            widenings.add(new Widening("", "nothing of the pattern is left for EventBridge, so the rule forwards every event"));
        }
        return new Converted(converted, widenings);
    }

    /** An object of the pattern, fields in name order; empty when nothing of it is left (it then passes every event). */
    private static Optional<ObjectNode> object(JsonNode node, String pointer, List<Widening> widenings) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        Map<String, JsonNode> sorted = new TreeMap<>();
        node.fields().forEachRemaining(f -> sorted.put(f.getKey(), f.getValue()));
        for (Map.Entry<String, JsonNode> field : sorted.entrySet()) {
            String at = pointer + "/" + field.getKey().replace("~", "~0").replace("/", "~1");
            JsonNode value = field.getValue();
            if (field.getKey().equals("$or") && value.isArray()) {
                List<JsonNode> branches = new ArrayList<>();
                boolean everything = false;
                for (int i = 0; i < value.size(); i++) {
                    Optional<ObjectNode> branch = object(value.get(i), at + "/" + i, widenings);
                    everything |= branch.isEmpty();
                    branch.ifPresent(branches::add);
                }
                if (!everything) {
                    out.set("$or", sortedUnique(branches));
                }
            } else if (value.isObject()) {
                object(value, at, widenings).ifPresent(o -> out.set(field.getKey(), o));
            } else if (value.isArray()) {
                values((ArrayNode) value, at, widenings).ifPresent(list -> out.set(field.getKey(), list));
            } else {
                out.set(field.getKey(), value);
            }
        }
        return out.isEmpty() ? Optional.empty() : Optional.of(out);
    }

    /** A field's list of values and matchers, sorted; empty when one of them cannot be said to EventBridge. */
    private static Optional<ArrayNode> values(ArrayNode list, String pointer, List<Widening> widenings) {
        List<JsonNode> values = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode value = list.get(i);
            if (value.isObject() && value.size() == 1 && value.has("exactly")) {
                values.add(value.get("exactly"));
            } else if (value.isObject() && value.has("anything-but") && value.get("anything-but").isObject()) {
                Optional<JsonNode> said = anythingBut(value, pointer + "/" + i, widenings);
                if (said.isEmpty()) {
                    return Optional.empty();
                }
                values.add(said.get());
            } else {
                values.add(value);
            }
        }
        return Optional.of(sortedUnique(values));
    }

    /** {@code {"anything-but": {"prefix": [...]}}}: one value as itself, several not at all (the field is then dropped). */
    private static Optional<JsonNode> anythingBut(JsonNode matcher, String pointer, List<Widening> widenings) {
        JsonNode inner = matcher.get("anything-but");
        Iterator<String> names = inner.fieldNames();
        String operator = names.hasNext() ? names.next() : "";
        JsonNode operand = inner.path(operator);
        if (!(operator.equals("prefix") || operator.equals("suffix")) || !operand.isArray()) {
            return Optional.of(matcher);
        }
        if (operand.size() == 1) {
            ObjectNode one = JsonNodeFactory.instance.objectNode();
            one.putObject("anything-but").set(operator, operand.get(0));
            return Optional.of(one);
        }
        widenings.add(new Widening(pointer, "EventBridge takes one value in {\"anything-but\": {\"" + operator + "\": ...}}, not a list of "
                + operand.size() + ", so the rule forwards any value of this field (opsbook still matches the pattern as written)"));
        return Optional.empty();
    }

    private static ArrayNode sortedUnique(List<JsonNode> values) {
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        values.stream().sorted(BY_TEXT).distinct().forEach(out::add);
        return out;
    }
}
