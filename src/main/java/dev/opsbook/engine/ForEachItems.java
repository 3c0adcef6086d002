package dev.opsbook.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.graph.StepGraph;
import dev.opsbook.runbook.ForEach;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a for-each step lives in a run. The step's own execution (key {@code ID}, role normal) starts with the
 * list its {@code foreach} yielded as its input ({@code {foreach: EXPR, items: [...]}}), stored with the run, so
 * every instance that goes on with it sees the same items; each item is an execution of its own, key
 * {@code ID[i]}, role {@link Role#ITEM}, with retries, timeout, takeover and resolution as any step's. The
 * step's execution ends when the scheduler decides, from its items, that it has.
 */
public final class ForEachItems {

    private static final Pattern ITEM_KEY = Pattern.compile("([A-Za-z][A-Za-z0-9_-]*)\\[(\\d+)]");
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private ForEachItems() {
    }

    /** The key of item {@code index} of step {@code stepId}: {@code restart[3]}. */
    public static String key(String stepId, int index) {
        return stepId + "[" + index + "]";
    }

    /** The step and index an item key names. */
    public record ItemKey(String stepId, int index) {
    }

    public static Optional<ItemKey> parse(String key) {
        Matcher matcher = key == null ? null : ITEM_KEY.matcher(key);
        return matcher != null && matcher.matches()
                ? Optional.of(new ItemKey(matcher.group(1), Integer.parseInt(matcher.group(2)))) : Optional.empty();
    }

    /** What a for-each step's own execution starts with. */
    static ObjectNode listed(String expression, ArrayNode items) {
        ObjectNode input = JSON.objectNode();
        input.put("foreach", expression);
        input.set("items", items);
        return input;
    }

    /** The items a for-each step's execution listed when it started, or empty for any other execution. */
    public static Optional<ArrayNode> items(StepExecution execution) {
        JsonNode input = execution.input();
        return execution.role() == Role.NORMAL && input != null && input.has("foreach") && input.get("items") instanceof ArrayNode items
                ? Optional.of(items) : Optional.empty();
    }

    /** The execution of a for-each step itself (not one of its items): nothing runs for it, its items do. */
    static boolean isForEach(StepGraph graph, StepExecution execution) {
        return execution.role() == Role.NORMAL && execution.key().equals(execution.stepId())
                && ForEach.of(graph.step(execution.stepId())).isPresent();
    }

    /** The item whose {@code item} and {@code index} a call sees: its own, or for a rollback of an item, that item's. */
    static Optional<String> scope(String key, Optional<String> forStep) {
        if (parse(key).isPresent()) {
            return Optional.of(key);
        }
        return forStep.filter(owner -> parse(owner).isPresent());
    }

    /**
     * The run's context with {@code item} and {@code index} of the item a key names, when it names one: the item's
     * real value ({@link #values}), so that a step over secrets runs with them and not with their mask.
     */
    static ObjectNode context(RunState state, Optional<String> itemKey, Redactor redactor) {
        ObjectNode context = state.context();
        Optional<ItemKey> parsed = itemKey.flatMap(ForEachItems::parse);
        if (parsed.isPresent()) {
            int index = parsed.get().index();
            JsonNode item = state.execution(parsed.get().stepId()).map(forEach -> values(forEach, context, redactor))
                    .map(items -> items.path(index)).filter(x -> !x.isMissingNode()).orElse(JSON.nullNode());
            context.set("item", item);
            context.put("index", index);
        }
        return context;
    }

    /**
     * The items a for-each step's execution listed, with their real values: the stored list holds each secret masked
     * (the store never keeps one), so each item is taken from the step's {@code foreach} evaluated again over the run's
     * {@code context} (before {@code item} is set in it), which holds the secrets themselves.
     *
     * //why: what a list is read from (the parameters, the outputs of the steps settled before it was listed) does not
     * change while the run goes on, so the expression gives the same list again; an element that is not the stored one
     * once masked (the list was read from something that did change) is not taken, the stored one is: an item never runs
     * with a value other than the one its record shows. A run going on from the store has its secret parameters masked in
     * {@code context} too: its items get the mask, and a step that reads one is refused ({@link StepInput}).
     */
    static ArrayNode values(StepExecution forEach, JsonNode context, Redactor redactor) {
        ArrayNode stored = items(forEach).orElse(JSON.arrayNode());
        if (redactor.isEmpty()) {
            return stored;
        }
        JsonNode again;
        try {
            again = dev.opsbook.expression.Expressions.evaluate(forEach.input().path("foreach").asText(), context);
        } catch (dev.opsbook.expression.ExpressionException e) {
            return stored;
        }
        ArrayNode values = JSON.arrayNode();
        for (int i = 0; i < stored.size(); i++) {
            JsonNode real = again == null ? null : again.get(i);
            values.add(real != null && redactor.json(real).equals(stored.get(i)) ? real : stored.get(i));
        }
        return values;
    }

    /** {@code steps.ID.items}: each item in input order with its status, result and outputs. */
    static ArrayNode table(RunState state, StepExecution forEach, ArrayNode items) {
        ArrayNode table = JSON.arrayNode();
        for (int i = 0; i < items.size(); i++) {
            ObjectNode row = table.addObject();
            row.set("item", items.get(i));
            row.put("index", i);
            Optional<StepExecution> item = state.execution(key(forEach.key(), i));
            row.put("status", item.map(x -> x.status().label()).orElse("not-started"));
            row.set("result", item.map(StepExecution::result).orElse(JSON.nullNode()));
            row.set("outputs", item.map(StepExecution::outputs).orElse(JSON.objectNode()));
        }
        return table;
    }

    /** The item executions of a for-each step's execution, in input order (absent ones not started). */
    public static List<Optional<StepExecution>> of(RunState state, StepExecution forEach) {
        int size = items(forEach).map(ArrayNode::size).orElse(0);
        List<Optional<StepExecution>> all = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            all.add(state.execution(key(forEach.key(), i)));
        }
        return all;
    }
}
