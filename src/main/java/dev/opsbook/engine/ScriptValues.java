package dev.opsbook.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.expression.Expressions;
import dev.opsbook.expression.Template;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Templates in a script never become code: each {@code {{ expr }}} is replaced by a variable,
 * {@code ${OPSBOOK_VALUE_1}}, whose value the step's process gets in its environment. So a
 * parameter or an event field holding {@code $(rm -rf ~)} stays text, quoted or not. A person
 * reading a record or a dry run sees the script with the values written in.
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
        int n = 0;
        for (Template.Part part : Template.parse(body).parts()) {
            if (part instanceof Template.Text text) {
                script.append(text.text());
            } else if (part instanceof Template.SecretRef ref) {
                String name = PREFIX + (++n);
                values.put(name, secrets.resolve(ref.store(), ref.id()));
                script.append("${").append(name).append('}');
            } else if (part instanceof Template.Expr expr) {
                String name = PREFIX + (++n);
                values.put(name, Template.asText(Expressions.evaluate(expr.expression(), context)));
                script.append("${").append(name).append('}');
            }
        }
        input.put("script", script.toString());
        input.set("values", values);
        return new Rendered(script.toString(), input);
    }

    /** The script as a person should read it: values written in where the variables stand. */
    public static String display(JsonNode input) {
        String script = input.path("script").asText();
        JsonNode values = input.path("values");
        Iterator<Map.Entry<String, JsonNode>> fields = values.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            script = script.replace("${" + field.getKey() + "}", field.getValue().asText());
        }
        return script;
    }

    /** For a dry run: values known now written in, the rest left as templates. */
    public static String display(String body, JsonNode context, Predicate<String> unknownYet) {
        if (!Template.isTemplate(body)) {
            return body;
        }
        return Template.parse(body).render(context, unknownYet, Template::asText).textValue();
    }
}
