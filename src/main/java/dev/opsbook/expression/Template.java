package dev.opsbook.expression;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Text with JMESPath expressions in {@code {{ }}}. A template that is one expression and nothing
 * else renders to the expression's value with its JSON type (a number stays a number, a list a
 * list); otherwise each value is written into the text.
 */
public final class Template {

    public sealed interface Part {
    }

    public record Text(String text) implements Part {
    }

    /** @param offset where the expression text starts in the template */
    public record Expr(String expression, int offset) implements Part {
    }

    /** {@code {{ secret:ssm:/path }}} or {@code {{ secret:secretsmanager:id }}}: read when a run starts, masked everywhere. */
    public record SecretRef(String store, String id, int offset) implements Part {
    }

    /** The secret stores a reference may name. */
    public static final java.util.Set<String> SECRET_STORES = java.util.Set.of("ssm", "secretsmanager");

    private final String source;
    private final List<Part> parts;

    private Template(String source, List<Part> parts) {
        this.source = source;
        this.parts = List.copyOf(parts);
    }

    public static boolean isTemplate(String text) {
        return text != null && text.contains("{{");
    }

    public static Template parse(String source) {
        List<Part> parts = new ArrayList<>();
        int index = 0;
        while (index < source.length()) {
            int open = source.indexOf("{{", index);
            if (open < 0) {
                parts.add(new Text(source.substring(index)));
                break;
            }
            if (open > index) {
                parts.add(new Text(source.substring(index, open)));
            }
            int close = source.indexOf("}}", open + 2);
            if (close < 0) {
                throw new ExpressionException("'{{' is not closed by '}}'", open);
            }
            String raw = source.substring(open + 2, close);
            String expression = raw.strip();
            int offset = open + 2 + raw.indexOf(expression.isEmpty() ? raw : expression);
            if (expression.isEmpty()) {
                throw new ExpressionException("empty expression in '{{ }}'", open);
            }
            if (expression.startsWith("secret:")) {
                parts.add(secret(expression, offset));
                index = close + 2;
                continue;
            }
            try {
                Expressions.compile(expression);
            } catch (ExpressionException e) {
                throw new ExpressionException(e.getMessage(), offset + e.offset());
            }
            parts.add(new Expr(expression, offset));
            index = close + 2;
        }
        return new Template(source, parts);
    }

    private static SecretRef secret(String expression, int offset) {
        String[] parts = expression.split(":", 3);
        if (parts.length < 3 || !SECRET_STORES.contains(parts[1]) || parts[2].isBlank()) {
            throw new ExpressionException("a secret reference is written secret:ssm:/parameter/name or secret:secretsmanager:secret-id, not '"
                    + expression + "'", offset);
        }
        return new SecretRef(parts[1], parts[2].strip(), offset);
    }

    public List<SecretRef> secrets() {
        return parts.stream().filter(SecretRef.class::isInstance).map(SecretRef.class::cast).toList();
    }

    public String source() {
        return source;
    }

    public List<Part> parts() {
        return parts;
    }

    public List<Expr> expressions() {
        return parts.stream().filter(Expr.class::isInstance).map(Expr.class::cast).toList();
    }

    public boolean isSingleExpression() {
        return parts.size() == 1 && parts.get(0) instanceof Expr;
    }

    public JsonNode render(JsonNode context) {
        return render(context, e -> false, Template::asText, SecretSource.AS_WRITTEN);
    }

    public JsonNode render(JsonNode context, Predicate<String> deferred, Function<JsonNode, String> writer) {
        return render(context, deferred, writer, SecretSource.AS_WRITTEN);
    }

    /**
     * Renders, leaving an expression as written when {@code deferred} says its value is not known
     * yet (a dry run cannot know a step's outputs), and writing values into text with {@code writer}.
     */
    public JsonNode render(JsonNode context, Predicate<String> deferred, Function<JsonNode, String> writer, SecretSource secrets) {
        if (parts.size() == 1 && parts.get(0) instanceof SecretRef ref) {
            return JsonNodeFactory.instance.textNode(secrets.resolve(ref.store(), ref.id()));
        }
        if (isSingleExpression()) {
            Expr expr = (Expr) parts.get(0);
            if (deferred.test(expr.expression())) {
                return JsonNodeFactory.instance.textNode(source);
            }
            return value(expr, context);
        }
        StringBuilder out = new StringBuilder();
        for (Part part : parts) {
            if (part instanceof Text text) {
                out.append(text.text());
            } else if (part instanceof SecretRef ref) {
                out.append(secrets.resolve(ref.store(), ref.id()));
            } else if (part instanceof Expr expr) {
                if (deferred.test(expr.expression())) {
                    out.append("{{ ").append(expr.expression()).append(" }}");
                } else {
                    out.append(writer.apply(value(expr, context)));
                }
            }
        }
        return JsonNodeFactory.instance.textNode(out.toString());
    }

    /**
     * The value of one of this template's expressions. Null is an error, unless the expression
     * ends in a default ({@code x || 'none'}): a missing output or a typo must not become an empty
     * string in a command.
     */
    public static JsonNode value(Expr expr, JsonNode context) {
        JsonNode value = Expressions.evaluate(expr.expression(), context);
        if ((value.isNull() || value.isMissingNode()) && !NullValues.givesDefault(expr.expression())) {
            throw new ExpressionException(NullValues.explain(expr.expression(), context), expr.offset());
        }
        return value;
    }

    /** How a value reads inside text: strings as they are, null as nothing, the rest as JSON. */
    public static String asText(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return "";
        }
        if (value.isTextual()) {
            return value.textValue();
        }
        return value.toString();
    }

}
