package dev.opsbook.runbook;

import dev.opsbook.expression.Template;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * A {@code {{ }}} template written where a front-matter output wants a JMESPath expression. Outputs are evaluated over the
 * run, never rendered, so the braces would not parse: one template alone is read as the expression inside it, with a
 * warning that says to write that expression; a template among text cannot be, and is an error that writes the
 * expression to use instead.
 */
final class OutputTemplates {

    private static final String NEVER_RENDERED = "outputs are JMESPath expressions over the run, never rendered";

    private OutputTemplates() {
    }

    /** The expression to evaluate for output {@code name} written as {@code value}, or empty when it is an error (said at {@code at}). */
    static Optional<String> expression(String name, String value, Position at, BiConsumer<Position, String> error,
            BiConsumer<Position, String> warning) {
        Template.Reading reading = Template.readAll(value.strip());
        if (!reading.problems().isEmpty()) {
            error.accept(at, "output '" + name + "': " + reading.problems().get(0).getMessage() + "; " + NEVER_RENDERED
                    + ", so write the expression without {{ }}");
            return Optional.empty();
        }
        Template template = reading.template();
        if (!template.secrets().isEmpty()) {
            error.accept(at, "output '" + name + "' cannot read a secret: " + NEVER_RENDERED
                    + ", and a parent run's record shows what it reads of them");
            return Optional.empty();
        }
        if (template.isSingleExpression()) {
            String expression = template.expressions().get(0).expression();
            warning.accept(at, "output '" + name + "' is a {{ }} template, but " + NEVER_RENDERED + "; write " + name + ": "
                    + expression);
            return Optional.of(expression);
        }
        error.accept(at, "output '" + name + "' mixes text and {{ }}, but " + NEVER_RENDERED + "; write " + name + ": "
                + joined(template));
        return Optional.empty();
    }

    /** The template as one JMESPath expression: {@code join('', ['text', expression, ...])}. */
    private static String joined(Template template) {
        List<String> pieces = new ArrayList<>();
        for (Template.Part part : template.parts()) {
            if (part instanceof Template.Text text) {
                pieces.add("'" + text.text().replace("\\", "\\\\").replace("'", "\\'") + "'");
            } else if (part instanceof Template.Expr expr) {
                pieces.add(expr.expression());
            }
        }
        return "join('', [" + String.join(", ", pieces) + "])";
    }
}
