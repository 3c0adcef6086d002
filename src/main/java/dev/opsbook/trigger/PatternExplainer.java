package dev.opsbook.trigger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import software.amazon.event.ruler.GenericMachine;

/**
 * Says why a pattern does not match an event, the way a person would look: field by field. Each
 * field of the pattern (a leaf: a list of matchers) is tried on its own, with event-ruler, so the
 * verdict on each is EventBridge's own.
 */
final class PatternExplainer {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final String OR = "$or";

    private PatternExplainer() {
    }

    static List<String> whyNot(JsonNode pattern, JsonNode event) {
        List<List<String>> leaves = new ArrayList<>();
        boolean[] hasOr = {false};
        leaves(pattern, new ArrayList<>(), leaves, hasOr);
        List<String> reasons = new ArrayList<>();
        for (List<String> path : leaves) {
            JsonNode matchers = at(pattern, path);
            if (!matches(rule(path, matchers), event)) {
                reasons.add(describe(path, matchers, event));
            }
        }
        if (reasons.isEmpty()) {
            reasons.add(hasOr[0]
                    ? "no alternative under $or matches"
                    : "each field matches on its own, but not within one element of a list: EventBridge matches"
                    + " the fields of objects in a list within the same element");
        }
        return reasons;
    }

    /** The paths to every list of matchers, outside $or. */
    private static void leaves(JsonNode node, List<String> path, List<List<String>> out, boolean[] hasOr) {
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (field.getKey().equals(OR) && field.getValue().isArray()) {
                hasOr[0] = true;
                continue;
            }
            List<String> child = new ArrayList<>(path);
            child.add(field.getKey());
            if (field.getValue().isObject()) {
                leaves(field.getValue(), child, out, hasOr);
            } else {
                out.add(child);
            }
        }
    }

    private static JsonNode at(JsonNode node, List<String> path) {
        JsonNode current = node;
        for (String segment : path) {
            current = current.get(segment);
        }
        return current;
    }

    private static ObjectNode rule(List<String> path, JsonNode matchers) {
        ObjectNode root = JSON.objectNode();
        ObjectNode current = root;
        for (int i = 0; i < path.size() - 1; i++) {
            current = current.putObject(path.get(i));
        }
        current.set(path.get(path.size() - 1), matchers);
        return root;
    }

    private static boolean matches(ObjectNode rule, JsonNode event) {
        try {
            GenericMachine<String> machine = new GenericMachine<>();
            machine.addRule("field", PatternJson.of(rule).json());
            return !machine.rulesForJSONEvent(event).isEmpty();
        } catch (Exception e) {
            return false;
        }
    }

    private static String describe(List<String> path, JsonNode matchers, JsonNode event) {
        String name = String.join(".", path);
        List<JsonNode> values = new ArrayList<>();
        collect(event, path, 0, values);
        String wanted = "; the pattern wants " + matchers;
        if (values.isEmpty()) {
            return name + " is not in the event" + wanted;
        }
        if (values.size() == 1) {
            return name + " is " + values.get(0) + wanted;
        }
        ArrayNode all = JSON.arrayNode();
        values.forEach(all::add);
        return name + " is " + all + wanted;
    }

    /** The values at a path, lists crushed as EventBridge does: a field of a list of objects is the field of each. */
    private static void collect(JsonNode node, List<String> path, int depth, List<JsonNode> out) {
        if (node == null || node.isMissingNode()) {
            return;
        }
        if (node.isArray()) {
            for (JsonNode item : node) {
                collect(item, path, depth, out);
            }
            return;
        }
        if (depth == path.size()) {
            out.add(node);
            return;
        }
        if (node.isObject()) {
            collect(node.get(path.get(depth)), path, depth + 1, out);
        }
    }
}
