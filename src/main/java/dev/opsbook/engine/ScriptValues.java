package dev.opsbook.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.expression.ExpressionException;
import dev.opsbook.expression.ShellQuoting;
import dev.opsbook.expression.Template;
import java.util.List;
import java.util.function.Predicate;

/**
 * Templates in a script never become code: each {@code {{ expr }}} is replaced by a reference to
 * a variable, {@code OPSBOOK_VALUE_1}, quoted for the place it stands in ({@link ShellQuoting}),
 * whose value the step's process gets in its environment. So a parameter or an event field holding
 * {@code $(rm -rf ~)} stays text, inside quotes or not. The record shows that script and the values.
 */
public final class ScriptValues {

    public static final String PREFIX = "OPSBOOK_VALUE_";

    /** @param input what the record keeps: {@code script} as run and {@code values} by variable */
    public record Rendered(String script, ObjectNode input) {
    }

    private ScriptValues() {
    }

    public static Rendered render(String body, JsonNode context, dev.opsbook.expression.SecretSource secrets) {
        ObjectNode input = JsonNodeFactory.instance.objectNode();
        if (!Template.isTemplate(body)) {
            input.put("script", body);
            return new Rendered(body, input);
        }
        StringBuilder script = new StringBuilder();
        ObjectNode values = JsonNodeFactory.instance.objectNode();
        Template template = Template.parse(body);
        List<ShellQuoting.Context> contexts = ShellQuoting.contexts(template);
        int n = 0;
        for (Template.Part part : template.parts()) {
            if (part instanceof Template.Text text) {
                script.append(text.text());
                continue;
            }
            ShellQuoting.Context where = contexts.get(n);
            String name = PREFIX + (++n);
            int offset = part instanceof Template.Expr expr ? expr.offset() : ((Template.SecretRef) part).offset();
            ShellQuoting.problem(where).ifPresent(problem -> {
                throw new ExpressionException(problem, offset);
            });
            if (part instanceof Template.SecretRef ref) {
                values.put(name, secrets.resolve(ref.store(), ref.id()));
            } else if (part instanceof Template.Expr expr) {
                JsonNode value = Template.value(expr, context);
                if (where == ShellQuoting.Context.ARITHMETIC && !isInteger(value)) {
                    // //why: bash evaluates a variable's text again inside $(( )): a[$(cmd)] would run cmd
                    throw new ExpressionException(expr.expression() + " stands in arithmetic, which takes whole numbers only, and is "
                            + Template.asText(value), offset);
                }
                values.put(name, Template.asText(value));
            }
            script.append(ShellQuoting.reference(name, where));
        }
        input.put("script", script.toString());
        input.set("values", values);
        return new Rendered(script.toString(), input);
    }

    private static boolean isInteger(JsonNode value) {
        return value.isIntegralNumber() || value.isTextual() && value.textValue().matches("-?[0-9]+");
    }

    /** For a dry run: values known now written in, the rest left as templates. */
    public static String display(String body, JsonNode context, Predicate<String> unknownYet) {
        if (!Template.isTemplate(body)) {
            return body;
        }
        return Template.parse(body).render(context, unknownYet, Template::asText).textValue();
    }
}
