package dev.opsbook.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.opsbook.expression.ExpressionException;
import dev.opsbook.expression.Expressions;
import dev.opsbook.runbook.ForEach;
import dev.opsbook.runbook.Runbook;
import dev.opsbook.runbook.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A for-each step in a dry run's plan: its expression and limits, and the items it would run over when the
 * expression can be read before the run (it reads only parameters); else the list is decided at run time.
 *
 * @param items the list, when known before the run
 * @param problem why the step would fail at once (not a list, more than {@code limits.maxItems}), when known
 */
public record PlannedForEach(String expression, int concurrency, ForEach.MaxErrors maxErrors, Optional<ArrayNode> items,
                             Optional<String> problem) {

    private static final int SHOWN = 10;

    static Optional<PlannedForEach> of(Runbook runbook, Step step, JsonNode context, Predicate<String> unknownYet) {
        return ForEach.of(step).map(forEach -> {
            if (unknownYet.test(forEach.expression())) {
                return new PlannedForEach(forEach.expression(), forEach.concurrency(), forEach.maxErrors(), Optional.empty(), Optional.empty());
            }
            String problem;
            try {
                JsonNode value = Expressions.evaluate(forEach.expression(), context);
                int max = ForEach.maxItems(runbook);
                if (value instanceof ArrayNode list && list.size() <= max) {
                    return new PlannedForEach(forEach.expression(), forEach.concurrency(), forEach.maxErrors(), Optional.of(list), Optional.empty());
                }
                problem = value instanceof ArrayNode list ? list.size() + " items, more than limits.maxItems (" + max + "): the step would fail"
                        : "not a list (" + (value == null || value.isNull() ? "null" : value.getNodeType().name().toLowerCase(java.util.Locale.ROOT))
                        + "): the step would fail";
            } catch (ExpressionException e) {
                problem = "cannot be evaluated: " + e.getMessage();
            }
            return new PlannedForEach(forEach.expression(), forEach.concurrency(), forEach.maxErrors(), Optional.empty(), Optional.of(problem));
        });
    }

    /**
     * One line for people: {@code for each of 2 items of params.hosts (concurrency=1, max-errors=0): web-1, web-2}, or
     * {@code for each item of steps.find.outputs.ids, decided at run time (...)}; values masked by {@code redactor}.
     */
    public String describe(Redactor redactor) {
        String limits = "(concurrency=" + concurrency + ", max-errors=" + maxErrors + ")";
        if (problem.isPresent()) {
            return "for each item of " + expression + " " + limits + ": " + problem.get();
        }
        if (items.isEmpty()) {
            return "for each item of " + expression + ", decided at run time " + limits;
        }
        ArrayNode list = (ArrayNode) redactor.json(items.get());
        if (list.isEmpty()) {
            return "for each item of " + expression + " " + limits + ": an empty list, no item would run";
        }
        List<String> shown = new ArrayList<>();
        for (int i = 0; i < Math.min(SHOWN, list.size()); i++) {
            shown.add(ItemLabel.shortened(list.get(i), ItemLabel.SHORT));
        }
        return "for each of " + list.size() + (list.size() == 1 ? " item" : " items") + " of " + expression + " " + limits + ": "
                + String.join(", ", shown) + (list.size() > SHOWN ? ", … and " + (list.size() - SHOWN) + " more" : "");
    }
}
