package dev.opsbook.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.expression.ExpressionException;
import dev.opsbook.expression.Expressions;
import dev.opsbook.graph.StepGraph;
import dev.opsbook.runbook.ForEach;
import dev.opsbook.runbook.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The scheduler's decisions for for-each steps, from the run's state alone: list the items when the step's
 * dependencies are settled (refused when the expression gives no list or more than {@code limits.maxItems}),
 * start items in input order while fewer than {@code concurrency} are in flight and no more than
 * {@code max-errors} failed (each item's {@code if} read with the item in scope), and end the step once its
 * items allow: all ended, or, stopped, the ones in flight ended (SSM's MaxErrors: items already running finish).
 */
final class ForEachDecisions {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final StepGraph graph;
    private final int maxItems;

    ForEachDecisions(StepGraph graph) {
        this.graph = graph;
        this.maxItems = ForEach.maxItems(graph.runbook());
    }

    /** A for-each step whose dependencies are settled: its list, or its failure. */
    Decision list(String id, RunState state) {
        ForEach forEach = ForEach.of(graph.step(id)).orElseThrow();
        JsonNode items;
        try {
            items = Expressions.evaluate(forEach.expression(), state.context());
        } catch (ExpressionException e) {
            return new Decision.Fail(id, id, "foreach \"" + forEach.expression() + "\" cannot be evaluated: " + e.getMessage());
        }
        if (!(items instanceof ArrayNode list)) {
            return new Decision.Fail(id, id, "foreach \"" + forEach.expression() + "\" gave " + typeOf(items)
                    + ", not a list; nothing ran. " + (items != null && items.isTextual()
                    ? "A step's text output is one string: have the step print a JSON list and read it with outputs=\"{NAME: json}\""
                    : items == null || items.isNull() || items.isMissingNode()
                    ? "If it may be absent, give an empty list as the default: foreach=\"" + forEach.expression()
                            + " || `[]`\" (fence the step with ~~~ for the backticks)"
                    : "It must yield a list, e.g. a JMESPath projection such as steps.find.outputs.ids[*]"));
        }
        if (list.size() > maxItems) {
            return new Decision.Fail(id, id, "foreach \"" + forEach.expression() + "\" gave " + list.size() + " items, more than "
                    + maxItems + " (limits.maxItems" + (graph.runbook().limits().flatMap(l -> l.maxItems()).isPresent() ? "" : ", by default")
                    + "); no item ran. Narrow the list, or raise limits.maxItems in the front matter");
        }
        return new Decision.ListItems(id, id, forEach.expression(), list.deepCopy());
    }

    /**
     * Each running for-each step that ends now, as its items decide.
     *
     * @param stop why no new item may start (the run was cancelled, timed out, or another step failed), or empty
     */
    List<Decision> settle(RunState state, Optional<String> stop) {
        List<Decision> decisions = new ArrayList<>();
        for (StepExecution forEach : forEachRunning(state)) {
            Counts counts = counts(state, forEach);
            boolean cut = state.cancelRequested() || state.timedOut();
            if (counts.running > 0 || !cut && counts.unsettled > 0) {
                continue; // items in flight finish first; one waiting for a person or a resolution holds the step too
            }
            if (state.cancelRequested()) {
                decisions.add(new Decision.Settle(forEach.key(), StepStatus.CANCELLED, outputs(state, forEach),
                        "cancelled: " + counts.summary()));
            } else if (counts.failed > counts.allowed) {
                decisions.add(new Decision.Settle(forEach.key(), StepStatus.FAILED, outputs(state, forEach), counts.failed + " of "
                        + counts.size + " items failed, more than max-errors=" + counts.maxErrors + " allows (" + counts.allowed + "): "
                        + counts.summary()));
            } else if (stop.isPresent()) {
                decisions.add(new Decision.Settle(forEach.key(), state.timedOut() ? StepStatus.FAILED : StepStatus.CANCELLED,
                        outputs(state, forEach), "stopped (" + stop.get() + "): " + counts.summary()));
            } else if (counts.notStarted == 0) {
                decisions.add(new Decision.Settle(forEach.key(), StepStatus.SUCCEEDED, outputs(state, forEach),
                        counts.size == 0 ? "no items: foreach \"" + expression(forEach) + "\" gave an empty list, nothing ran"
                                : counts.summary()));
            }
        }
        return decisions;
    }

    /** The items that start now: in input order, while the step has room and has not failed more than it may. */
    List<Decision> start(RunState state) {
        List<Decision> decisions = new ArrayList<>();
        for (StepExecution forEach : forEachRunning(state)) {
            Step step = graph.step(forEach.stepId());
            Counts counts = counts(state, forEach);
            int room = ForEach.of(step).orElseThrow().concurrency() - counts.running - counts.unsettled;
            int failed = counts.failed;
            ArrayNode items = ForEachItems.items(forEach).orElseThrow();
            ObjectNode context = step.condition().isPresent() ? state.context() : null;
            // an item's if= reads its real value, as its templates do: a secret in the list is masked only where it is kept
            ArrayNode values = context == null ? items
                    : ForEachItems.values(forEach, context, Redactor.of(graph.runbook(), state.params(), state.event()));
            for (int i = 0; i < items.size() && room > 0 && failed <= counts.allowed; i++) {
                String key = ForEachItems.key(forEach.key(), i);
                if (state.execution(key).isPresent()) {
                    continue;
                }
                if (step.condition().isPresent()) {
                    try {
                        context.put("index", i).set("item", values.get(i));
                        if (!Expressions.isTruthy(Expressions.evaluate(step.condition().get(), context))) {
                            decisions.add(new Decision.Skip(key, "condition is false for this item: " + step.condition().get()));
                            continue;
                        }
                    } catch (ExpressionException e) {
                        decisions.add(new Decision.Fail(key, step.id(), Role.ITEM, Optional.of(step.id()),
                                "condition cannot be evaluated: " + e.getMessage()));
                        failed++;
                        continue;
                    }
                }
                decisions.add(new Decision.Start(key, step.id(), Role.ITEM, Optional.of(step.id())));
                room--;
            }
        }
        return decisions;
    }

    private List<StepExecution> forEachRunning(RunState state) {
        return state.executions().values().stream()
                .filter(x -> x.status() == StepStatus.RUNNING && ForEachItems.isForEach(graph, x) && ForEachItems.items(x).isPresent())
                .toList();
    }

    /** {@code steps.ID.outputs.NAME}: the list of each item's output NAME, in input order (null for an item without it). */
    private static ObjectNode outputs(RunState state, StepExecution forEach) {
        List<Optional<StepExecution>> items = ForEachItems.of(state, forEach);
        ObjectNode outputs = JSON.objectNode();
        for (Optional<StepExecution> item : items) {
            item.ifPresent(x -> x.outputs().fieldNames().forEachRemaining(name -> outputs.putArray(name)));
        }
        outputs.fieldNames().forEachRemaining(name -> {
            ArrayNode values = (ArrayNode) outputs.get(name);
            items.forEach(item -> values.add(item.map(x -> x.outputs().path(name)).filter(v -> !v.isMissingNode()).orElse(JSON.nullNode())));
        });
        return outputs;
    }

    private static String expression(StepExecution forEach) {
        return forEach.input().path("foreach").asText();
    }

    private Counts counts(RunState state, StepExecution forEach) {
        ForEach.MaxErrors maxErrors = ForEach.of(graph.step(forEach.stepId())).orElseThrow().maxErrors();
        List<Optional<StepExecution>> items = ForEachItems.of(state, forEach);
        Counts counts = new Counts(items.size(), maxErrors, maxErrors.allowed(items.size()));
        for (Optional<StepExecution> item : items) {
            if (item.isEmpty()) {
                counts.notStarted++;
                continue;
            }
            switch (item.get().status()) {
                case RUNNING -> counts.running++;
                case SUCCEEDED -> counts.succeeded++;
                case SKIPPED -> counts.skipped++;
                case FAILED, CANCELLED -> counts.failed++;
                case WAITING, INTERRUPTED, NEEDS_ATTENTION -> counts.unsettled++;
            }
        }
        return counts;
    }

    private static String typeOf(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return "null";
        }
        return switch (value.getNodeType()) {
            case OBJECT, POJO -> "an object";
            // a JSON string literal, so that a line break in the text does not break the one-line message
            case STRING -> "a string (" + JSON.textNode(value.asText().length() > 40 ? value.asText().substring(0, 40) + "..." : value.asText()) + ")";
            case NUMBER -> "a number (" + value + ")";
            case BOOLEAN -> "a boolean (" + value + ")";
            default -> value.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    private static final class Counts {
        final int size;
        final ForEach.MaxErrors maxErrors;
        final int allowed;
        int notStarted;
        int running;
        int succeeded;
        int skipped;
        int failed;
        int unsettled;

        Counts(int size, ForEach.MaxErrors maxErrors, int allowed) {
            this.size = size;
            this.maxErrors = maxErrors;
            this.allowed = allowed;
        }

        String summary() {
            List<String> parts = new ArrayList<>();
            parts.add(succeeded + " succeeded");
            if (failed > 0) {
                parts.add(failed + " failed");
            }
            if (skipped > 0) {
                parts.add(skipped + " skipped");
            }
            if (notStarted > 0) {
                parts.add(notStarted + " not started");
            }
            return size + (size == 1 ? " item: " : " items: ") + String.join(", ", parts);
        }
    }
}
