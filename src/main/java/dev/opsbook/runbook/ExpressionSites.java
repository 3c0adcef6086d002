package dev.opsbook.runbook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opsbook.expression.ExpressionException;
import dev.opsbook.expression.Expressions;
import dev.opsbook.expression.ShellQuoting;
import dev.opsbook.expression.References;
import dev.opsbook.expression.Template;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Finds every expression in a step (its condition, its outputs, templates in its body) with where it was written. */
public final class ExpressionSites {

    public record Problem(Position position, String message) {
    }

    public record Scan(List<ExpressionSite> sites, List<Problem> problems) {
    }

    /** Body keys whose values are JMESPath expressions themselves (not templates): assert's that, wait's until. */
    public static final java.util.Set<String> EXPRESSION_KEYS = java.util.Set.of("that", "until");

    private ExpressionSites() {
    }

    public static Scan of(Step step) {
        List<ExpressionSite> sites = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        String forEach = step.attributes().get("foreach");
        if (forEach != null && !RunbookParser.unwrapTemplate(forEach).isEmpty()) {
            int before = problems.size();
            expression(RunbookParser.unwrapTemplate(forEach), step.positionOf("attr:foreach"), "foreach", false, sites, problems);
            if (problems.size() > before) {
                Problem problem = problems.remove(before);
                problems.add(new Problem(problem.position(), problem.message()
                        + "; foreach takes a JMESPath expression that yields a list, e.g. foreach=\"steps.find.outputs.ids\""));
            }
        }
        step.condition().ifPresent(condition ->
                expression(condition, step.positionOf("attr:if"), "if", false, sites, problems));
        step.outputs().forEach((name, expression) -> {
            Position at = name.isEmpty() ? step.positionOf("attr:outputs") : step.positionOf("/outputs/" + name);
            expression(expression, at, name.isEmpty() ? "outputs" : "output '" + name + "'", true, sites, problems);
        });
        if (step.settings().isObject()) {
            settings(step, step.settings(), "", sites, problems);
        } else if (step.form() == StepForm.FENCED_BLOCK && Template.isTemplate(step.body())) {
            script(step, sites, problems);
        }
        return new Scan(sites, problems);
    }

    private static void expression(String expression, Position at, String where, boolean overResult,
                                   List<ExpressionSite> sites, List<Problem> problems) {
        try {
            Expressions.compile(expression);
            sites.add(new ExpressionSite(expression, at, where, overResult));
        } catch (ExpressionException e) {
            problems.add(new Problem(at, where + ": " + e.getMessage()));
        }
    }

    private static void settings(Step step, JsonNode node, String pointer, List<ExpressionSite> sites, List<Problem> problems) {
        if (pointer.equals("/outputs")) {
            return;
        }
        String top = pointer.length() > 1 ? pointer.substring(1).split("/")[0] : "";
        if (EXPRESSION_KEYS.contains(top) && node.isTextual()) {
            // until reads the polled response; that reads the response when the step makes a call
            boolean overResult = top.equals("until") || step.settings().has("service");
            expression(node.textValue(), step.positionOf(pointer), top, overResult, sites, problems);
            return;
        }
        if (node.isTextual() && Template.isTemplate(node.textValue())) {
            Position at = step.positionOf(pointer);
            Template.Reading reading = Template.readAll(node.textValue());
            reading.problems().forEach(e -> problems.add(new Problem(at, "template in '" + pointer.substring(1) + "': " + e.getMessage())));
            for (Template.Expr expr : reading.template().expressions()) {
                sites.add(new ExpressionSite(expr.expression(), at, pointer.substring(1), false));
            }
        } else if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                settings(step, field.getValue(), pointer + "/" + field.getKey(), sites, problems);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                settings(step, node.get(i), pointer + "/" + i, sites, problems);
            }
        }
    }

    private static void script(Step step, List<ExpressionSite> sites, List<Problem> problems) {
        String body = step.body();
        Position origin = new Position(step.position().line() + 1, step.span().indent() + 1);
        //why: read on past a broken template, so each one a foreign template (Go's, in a kubectl line) breaks is reported, not only the first
        Template.Reading reading = Template.readAll(body);
        for (ExpressionException e : reading.problems()) {
            problems.add(new Problem(at(body, e.offset(), origin), "template in script: " + e.getMessage()
                    + (readsTheRunContext(body, e.offset()) ? "" : LITERAL_HINT)));
        }
        for (Template.Expr expr : reading.template().expressions()) {
            sites.add(new ExpressionSite(expr.expression(), at(body, expr.offset(), origin), "script", false));
        }
        ShellQuoting.problems(reading.template()).forEach(p ->
                problems.add(new Problem(at(body, p.offset(), origin), "template in script: " + p.message())));
    }

    /** Whether the template around {@code offset} starts from params, steps...: then it was meant for opsbook, and a typo is all that is wrong. */
    private static boolean readsTheRunContext(String body, int offset) {
        int open = body.lastIndexOf("{{", offset);
        int close = open < 0 ? -1 : body.indexOf("}}", open + 2);
        if (close < 0) {
            return false;
        }
        String first = body.substring(open + 2, close).strip().split("[^A-Za-z0-9_]", 2)[0];
        return References.ROOTS.contains(first);
    }

    /** What to do when a script's {@code {{ }}} is not meant for opsbook. */
    public static final String LITERAL_HINT = "; every {{ }} in a shell step is an opsbook template: write a literal '{{' as {{ '{{' }},"
            + " or fence an example as ```bash (prose, never run)";

    private static Position at(String body, int offset, Position origin) {
        int line = 0;
        int lineStart = 0;
        for (int i = 0; i < Math.min(offset, body.length()); i++) {
            if (body.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return new Position(origin.line() + line, origin.column() + offset - lineStart);
    }
}
