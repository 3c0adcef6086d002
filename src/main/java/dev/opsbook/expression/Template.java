package dev.opsbook.expression;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
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

    /** A JMESPath raw string literal and nothing else: {@code '{{'}. */
    private static final java.util.regex.Pattern RAW_STRING = java.util.regex.Pattern.compile("'(?:[^'\\\\]|\\\\.)*'");

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
        List<ExpressionException> problems = new ArrayList<>();
        Template template = read(source, problems);
        if (!problems.isEmpty()) {
            throw problems.get(0);
        }
        return template;
    }

    /** Every problem of the template, in order: one per {@code {{ }}} that does not parse, not only the first. */
    public static List<ExpressionException> problems(String source) {
        return readAll(source).problems();
    }

    /** A template read on past its problems: the parts that parse, and every problem. */
    public record Reading(Template template, List<ExpressionException> problems) {
    }

    public static Reading readAll(String source) {
        List<ExpressionException> problems = new ArrayList<>();
        Template template = read(source, problems);
        return new Reading(template, List.copyOf(problems));
    }

    private static Template read(String source, List<ExpressionException> problems) {
        List<Part> parts = new ArrayList<>();
        int index = 0;
        while (index < source.length()) {
            int open = source.indexOf("{{", index);
            if (open < 0) {
                text(parts, source.substring(index));
                break;
            }
            if (open > index) {
                text(parts, source.substring(index, open));
            }
            int close = source.indexOf("}}", open + 2);
            if (close < 0) {
                problems.add(new ExpressionException("'{{' is not closed by '}}'", open));
                break;
            }
            String raw = source.substring(open + 2, close);
            String expression = raw.strip();
            int offset = open + 2 + raw.indexOf(expression.isEmpty() ? raw : expression);
            index = close + 2;
            if (expression.isEmpty()) {
                problems.add(new ExpressionException("empty expression in '{{ }}'", open));
                continue;
            }
            if (expression.startsWith("secret:")) {
                try {
                    parts.add(secret(expression, offset));
                } catch (ExpressionException e) {
                    problems.add(e);
                }
                continue;
            }
            try {
                Expressions.compile(expression);
            } catch (ExpressionException e) {
                problems.add(new ExpressionException(e.getMessage(), offset + e.offset()));
                continue;
            }
            if (expression.charAt(0) == '\'' && RAW_STRING.matcher(expression).matches()) {
                //why: a constant is text the author wrote, so {{ '{{' }} is a literal '{{' in every context, a script's quotes included
                text(parts, Expressions.evaluate(expression, NullNode.getInstance()).textValue());
                continue;
            }
            parts.add(new Expr(expression, offset));
        }
        return new Template(source, parts);
    }

    private static void text(List<Part> parts, String text) {
        if (!parts.isEmpty() && parts.get(parts.size() - 1) instanceof Text before) {
            parts.set(parts.size() - 1, new Text(before.text() + text));
        } else {
            parts.add(new Text(text));
        }
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
