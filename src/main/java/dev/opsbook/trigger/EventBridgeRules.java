package dev.opsbook.trigger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.runbook.Diagnostic;
import dev.opsbook.runbook.Position;
import dev.opsbook.runbook.Runbook;
import dev.opsbook.runbook.Trigger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import software.amazon.event.ruler.JsonRuleCompiler;

/**
 * The EventBridge rules that forward to the queue exactly the events some runbook's trigger can
 * match, so only those cross the bus: each trigger's pattern as EventBridge takes it
 * ({@link EventBridgePatterns}), patterns that mean the same made one rule, and rules that differ
 * in one list of values merged into one rule with both lists (A and x in L1, or A and x in L2, is
 * A and x in L1 or L2: no event more, none less). Pure: the same runbooks give the same rules in
 * the same order, so a template generated from them is stable.
 */
public final class EventBridgeRules {

    /** EventBridge's limit on an event pattern (PutRule's EventPattern, in characters): merging stops short of it. */
    static final int MAX_PATTERN_LENGTH = 4096;

    /** Which trigger of which runbook a rule serves. */
    public record Source(String runbook, String file, int trigger) {
        /** "ec2-recover trigger 1". */
        public String label() {
            return runbook + " trigger " + trigger;
        }
    }

    /** One rule: its event pattern and the triggers it forwards events for. */
    public record Rule(ObjectNode pattern, List<Source> sources) {
        public Rule {
            sources = List.copyOf(sources);
        }
    }

    /** The rules, and a warning for each place a pattern had to be widened (at the member's line and column). */
    public record Result(List<Rule> rules, List<Diagnostic> warnings) {
        public Result {
            rules = List.copyOf(rules);
            warnings = List.copyOf(warnings);
        }
    }

    private EventBridgeRules() {
    }

    /** The rules for these runbooks, which should have loaded without errors, in the order of their files and triggers. */
    public static Result of(Collection<Runbook> runbooks) {
        List<Rule> rules = new ArrayList<>();
        List<Diagnostic> warnings = new ArrayList<>();
        for (Runbook runbook : runbooks) {
            for (Trigger trigger : runbook.triggers()) {
                EventBridgePatterns.Converted converted = EventBridgePatterns.forEventBridge(trigger.pattern());
                for (EventBridgePatterns.Widening widening : converted.widenings()) {
                    String pointer = trigger.pointer() + "/pattern" + widening.pointer();
                    Position at = runbook.positions().getOrDefault(pointer, trigger.position());
                    warnings.add(Diagnostic.warning(runbook.file(), at, "pattern of " + trigger.label() + ": " + widening.reason()));
                }
                rules.add(new Rule(converted.pattern(), List.of(new Source(runbook.id(), runbook.file(), trigger.index() + 1))));
            }
        }
        return new Result(mergeAll(rules), warnings);
    }

    /** Rules that can be merged, merged (into the earlier one), until no two can be. */
    private static List<Rule> mergeAll(List<Rule> rules) {
        List<Rule> out = new ArrayList<>(rules);
        boolean merged = true;
        while (merged) {
            merged = false;
            for (int i = 0; i < out.size() && !merged; i++) {
                for (int j = i + 1; j < out.size() && !merged; j++) {
                    Optional<ObjectNode> both = merge(out.get(i).pattern(), out.get(j).pattern());
                    if (both.isPresent()) {
                        List<Source> sources = new ArrayList<>(out.get(i).sources());
                        out.get(j).sources().stream().filter(s -> !sources.contains(s)).forEach(sources::add);
                        out.set(i, new Rule(both.get(), sources));
                        out.remove(j);
                        merged = true;
                    }
                }
            }
        }
        return out;
    }

    /** One pattern that matches exactly the events either matches, when there is one this simple and EventBridge takes it. */
    static Optional<ObjectNode> merge(ObjectNode a, ObjectNode b) {
        if (a.equals(b)) {
            return Optional.of(a);
        }
        Optional<JsonNode> merged = mergeNodes(a, b);
        if (merged.isEmpty() || !merged.get().isObject()) {
            return Optional.empty();
        }
        String json = merged.get().toString();
        if (json.length() > MAX_PATTERN_LENGTH || JsonRuleCompiler.check(json) != null) {
            return Optional.empty();
        }
        return Optional.of((ObjectNode) merged.get());
    }

    /** Objects with the same fields that differ in exactly one, merged there; lists of values as their union. */
    private static Optional<JsonNode> mergeNodes(JsonNode a, JsonNode b) {
        if (a.isArray() && b.isArray()) {
            if (hasExists(a) || hasExists(b)) {
                return Optional.empty(); // //why: EventBridge documents exists alone in a field's list, not beside values
            }
            TreeSet<String> seen = new TreeSet<>();
            List<JsonNode> union = new ArrayList<>();
            for (JsonNode value : concat(a, b)) {
                if (seen.add(value.toString())) {
                    union.add(value);
                }
            }
            union.sort(java.util.Comparator.comparing(JsonNode::toString));
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            union.forEach(out::add);
            return Optional.of(out);
        }
        if (!a.isObject() || !b.isObject() || a.size() != b.size()) {
            return Optional.empty();
        }
        String differing = null;
        for (Iterator<String> names = a.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!b.has(name)) {
                return Optional.empty();
            }
            if (!a.get(name).equals(b.get(name))) {
                if (differing != null) {
                    return Optional.empty();
                }
                differing = name;
            }
        }
        if (differing == null) {
            return Optional.of(a);
        }
        Optional<JsonNode> inner = mergeNodes(a.get(differing), b.get(differing));
        if (inner.isEmpty()) {
            return Optional.empty();
        }
        ObjectNode out = ((ObjectNode) a).deepCopy();
        out.set(differing, inner.get());
        return Optional.of(out);
    }

    private static boolean hasExists(JsonNode list) {
        for (JsonNode value : list) {
            if (value.isObject() && value.has("exists")) {
                return true;
            }
        }
        return false;
    }

    private static List<JsonNode> concat(JsonNode a, JsonNode b) {
        List<JsonNode> all = new ArrayList<>();
        a.forEach(all::add);
        b.forEach(all::add);
        return all;
    }
}
