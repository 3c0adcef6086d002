package dev.opsbook.runbook;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A step's {@code foreach="EXPR"}: it runs once per element of the list the expression yields, at most
 * {@code concurrency} items at once, and stops starting items once more than {@code max-errors} failed.
 *
 * @param expression JMESPath over the run's context, read when the step's dependencies are settled
 * @param concurrency items in flight at once, 1 or more
 * @param maxErrors how many items may fail before no new item starts and the step fails
 */
public record ForEach(String expression, int concurrency, MaxErrors maxErrors) {

    /** The attributes of a for-each step. */
    public static final List<String> ATTRIBUTES = List.of("foreach", "concurrency", "max-errors");
    /** Items a for-each may have when the front matter's {@code limits.maxItems} does not say. */
    public static final int DEFAULT_MAX_ITEMS = 1000;

    private static final Pattern MAX_ERRORS = Pattern.compile("(\\d{1,6})(%?)");

    /**
     * {@code max-errors=N} or {@code max-errors=P%}. As SSM's MaxErrors: the step stops starting items when the
     * number of failed items exceeds the allowance (with 1, at the second failure); a percentage is of the items,
     * rounded down (10% of 15 items allows 1).
     */
    public record MaxErrors(int value, boolean percent) {
        public static final MaxErrors NONE = new MaxErrors(0, false);

        /** The failures allowed among {@code items} items. */
        public int allowed(int items) {
            return percent ? (int) ((long) items * value / 100) : value;
        }

        @Override
        public String toString() {
            return value + (percent ? "%" : "");
        }
    }

    /** A step's for-each, when it has one; its attributes as {@link #problems} left them valid. */
    public static Optional<ForEach> of(Step step) {
        String expression = step.attributes().get("foreach");
        if (expression == null) {
            return Optional.empty();
        }
        String concurrency = step.attributes().getOrDefault("concurrency", "1");
        int n = concurrency.matches("\\d{1,4}") ? Math.max(1, Integer.parseInt(concurrency)) : 1;
        return Optional.of(new ForEach(RunbookParser.unwrapTemplate(expression), n,
                maxErrors(step.attributes().get("max-errors")).orElse(MaxErrors.NONE)));
    }

    /** The most items a for-each of this runbook may have ({@code limits.maxItems}). */
    public static int maxItems(Runbook runbook) {
        return runbook.limits().flatMap(Limits::maxItems).orElse(DEFAULT_MAX_ITEMS);
    }

    static Optional<MaxErrors> maxErrors(String written) {
        if (written == null) {
            return Optional.empty();
        }
        Matcher matcher = MAX_ERRORS.matcher(written.strip());
        if (!matcher.matches()) {
            return Optional.empty();
        }
        boolean percent = !matcher.group(2).isEmpty();
        int value = Integer.parseInt(matcher.group(1));
        return percent && value > 100 ? Optional.empty() : Optional.of(new MaxErrors(value, percent));
    }

    /** What is wrong with a step's for-each attributes, each where it was written. */
    static List<ExpressionSites.Problem> problems(Map<String, String> attributes, Map<String, Position> positions, Position step) {
        List<ExpressionSites.Problem> problems = new ArrayList<>();
        boolean forEach = attributes.containsKey("foreach");
        String concurrency = attributes.get("concurrency");
        if (concurrency != null) {
            Position at = positions.getOrDefault("attr:concurrency", step);
            if (!forEach) {
                problems.add(new ExpressionSites.Problem(at, "concurrency bounds the items of a for-each step in flight;"
                        + " add foreach=\"EXPR\" (a list to run the step once per element of) or remove concurrency"));
            } else if (!concurrency.matches("\\d{1,4}") || Integer.parseInt(concurrency) < 1) {
                problems.add(new ExpressionSites.Problem(at, "concurrency must be a whole number of items in flight at once,"
                        + " 1 or more, not '" + concurrency + "'; concurrency=1 (the default) runs the items one after another"));
            }
        }
        String maxErrors = attributes.get("max-errors");
        if (maxErrors != null) {
            Position at = positions.getOrDefault("attr:max-errors", step);
            if (!forEach) {
                problems.add(new ExpressionSites.Problem(at, "max-errors is how many items of a for-each step may fail;"
                        + " add foreach=\"EXPR\" or remove max-errors"));
            } else if (maxErrors(maxErrors).isEmpty()) {
                problems.add(new ExpressionSites.Problem(at, "max-errors must be a number of items, 0 or more (max-errors=2),"
                        + " or a percentage of them up to 100% (max-errors=10%), not '" + maxErrors + "'"));
            }
        }
        if (forEach && RunbookParser.unwrapTemplate(attributes.get("foreach")).isEmpty()) {
            problems.add(new ExpressionSites.Problem(positions.getOrDefault("attr:foreach", step),
                    "foreach needs a JMESPath expression that yields a list, e.g. foreach=\"steps.find.outputs.ids\""));
        }
        return problems;
    }
}
