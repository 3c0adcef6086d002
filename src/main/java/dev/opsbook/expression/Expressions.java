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
                message = plain(first.message());
                offset = first.position();
            }
            throw new ExpressionException("invalid JMESPath '" + expression + "': " + message
                    + identifierHint(expression), offset);
        }
    }

    private static final java.util.regex.Pattern UNEXPECTED = java.util.regex.Pattern.compile(
            "syntax error (?:extraneous input|mismatched input|token recognition error at:) '(.*?)'(?: expecting .*)?", java.util.regex.Pattern.DOTALL);
    private static final java.util.regex.Pattern NO_VIABLE = java.util.regex.Pattern.compile(
            "syntax error no viable alternative at input '(.*)'", java.util.regex.Pattern.DOTALL);
    private static final java.util.regex.Pattern MISSING = java.util.regex.Pattern.compile(
            "syntax error missing (.*?) at '(.*)'", java.util.regex.Pattern.DOTALL);

    /** The parser's message in words a runbook's author reads: what it stopped at, not the grammar's token sets. */
    static String plain(String message) {
        java.util.regex.Matcher unexpected = UNEXPECTED.matcher(message);
        if (unexpected.matches()) {
            return unexpected.group(1).equals("<EOF>") ? "it ends where more was expected"
                    : "unexpected '" + unexpected.group(1) + "'";
        }
        java.util.regex.Matcher noViable = NO_VIABLE.matcher(message);
        if (noViable.matches()) {
            return noViable.group(1).endsWith("<EOF>") ? "it ends where more was expected"
                    : "cannot be read from '" + noViable.group(1) + "'";
        }
        java.util.regex.Matcher missing = MISSING.matcher(message);
        if (missing.matches()) {
            return missing.group(1) + " is missing before '" + missing.group(2) + "'";
        }
        return message.startsWith("syntax error ") ? message.substring("syntax error ".length()) : message;
    }

    private static String identifierHint(String expression) {
        if (expression.matches("(?s).*\\b(params|steps)\\.[A-Za-z0-9_]*-[A-Za-z0-9_-]*.*")) {
            return " (a name with '-' must be quoted: steps.\"check-disk\".outputs)";
        }
        java.util.regex.Matcher quotedKey = java.util.regex.Pattern.compile("[{,]\\s*'([^']*)'\\s*:").matcher(expression);
        if (quotedKey.find()) {
            String key = quotedKey.group(1);
            return " (in {key: value} a key is a name, not a 'string': write {" + key + ": ...}, or {\"" + key + "\": ...})";
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
