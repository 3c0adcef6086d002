package dev.opsbook.expression;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.burt.jmespath.Expression;
import io.burt.jmespath.JmesPath;
import io.burt.jmespath.parser.ParseException;
import io.burt.jmespath.jackson.JacksonRuntime;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * JMESPath, the AWS CLI's {@code --query} language: the one expression language of runbooks.
 * Compiled expressions are cached; the runtime and the cache are thread-safe.
 */
public final class Expressions {

    private static final JmesPath<JsonNode> RUNTIME = new JacksonRuntime();
    private static final Map<String, Expression<JsonNode>> CACHE = new ConcurrentHashMap<>();

    private Expressions() {
    }

    public static Expression<JsonNode> compile(String expression) {
        Expression<JsonNode> cached = CACHE.get(expression);
        if (cached != null) {
            return cached;
        }
        if (expression.isBlank()) {
            throw new ExpressionException("empty expression", 0);
        }
        try {
            Expression<JsonNode> compiled = RUNTIME.compile(expression);
            if (CACHE.size() < 10_000) {
                CACHE.put(expression, compiled);
            }
            return compiled;
        } catch (ParseException e) {
            String message = e.getMessage();
            int offset = 0;
            var errors = e.iterator();
            if (errors.hasNext()) {
                var first = errors.next();
                message = first.message();
                offset = first.position();
            }
            throw new ExpressionException("invalid JMESPath '" + expression + "': " + message
                    + identifierHint(expression), offset);
        }
    }

    private static String identifierHint(String expression) {
        if (expression.matches("(?s).*\\b(params|steps)\\.[A-Za-z0-9_]*-[A-Za-z0-9_-]*.*")) {
            return " (a name with '-' must be quoted: steps.\"check-disk\".outputs)";
        }
        return "";
    }

    public static JsonNode evaluate(String expression, JsonNode context) {
        try {
            JsonNode result = compile(expression).search(context);
            return result == null ? NullNode.getInstance() : result;
        } catch (ExpressionException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ExpressionException("cannot evaluate '" + expression + "': " + e.getMessage(), 0);
        }
    }

    /** JMESPath truthiness: false, null, "", [] and {} are false; everything else is true. */
    public static boolean isTruthy(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return false;
        }
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        if (value.isTextual()) {
            return !value.textValue().isEmpty();
        }
        if (value.isContainerNode()) {
            return !value.isEmpty();
        }
        return true;
    }
}
