package dev.opsbook.expression;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A template whose value is null: whether its expression says that is fine (it ends in a
 * default, {@code x || 'none'}), and if not, why it is null in words a runbook's author can act on.
 */
public final class NullValues {

    private static final Pattern SEGMENT = Pattern.compile("\\s*(?:([A-Za-z_][A-Za-z0-9_]*)|\"((?:[^\"\\\\]|\\\\.)*)\"|\\[\\s*(-?\\d+)\\s*])\\s*");

    private NullValues() {
    }

    /** True when the expression's last operator is {@code ||}: its author gave the value to use instead. */
    public static boolean givesDefault(String expression) {
        int depth = 0;
        char quote = 0;
        boolean defaulted = false;
        for (int i = 0; i < expression.length(); i++) {
            char c = expression.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"' || c == '`') {
                quote = c;
            } else if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if (c == ')' || c == ']' || c == '}') {
                depth--;
            } else if (depth == 0 && c == '|' && i + 1 < expression.length() && expression.charAt(i + 1) == '|') {
                defaulted = true;
                i++;
            } else if (depth == 0 && (c == '|' || c == '&')) {
                defaulted = false;
            }
        }
        return defaulted;
    }

    /** "steps.greet.result.json is null: steps.greet.result has no 'json' (it has exitCode, stdout, stderr); ..." */
    public static String explain(String expression, JsonNode context) {
        return expression + " is null" + reason(expression, context)
                + "; if it may be, give a default: {{ " + expression + " || 'none' }}";
    }

    private static String reason(String expression, JsonNode context) {
        List<String> names = new ArrayList<>();
        List<String> path = path(expression);
        if (path.isEmpty()) {
            return "";
        }
        JsonNode node = context;
        String note = "";
        for (String name : path) {
            String where = String.join(".", names);
            JsonNode next = name.startsWith("[") ? node.path(Integer.parseInt(name.substring(1, name.length() - 1))) : node.path(name);
            if (next.isMissingNode()) {
                return ": " + missing(where, name, node) + note;
            }
            names.add(name.startsWith("[") || isIdentifier(name) ? name : '"' + name + '"');
            if (names.size() == 2 && names.get(0).equals("steps") && !next.path("status").asText().equals("succeeded")) {
                note = " (step '" + name + "' " + next.path("status").asText() + ")";
            }
            if (next.isNull()) {
                String why = nullBecause(names);
                return why.isEmpty() && names.size() == path.size() ? note.isEmpty() ? "" : ":" + note
                        : ": " + (why.isEmpty() ? joined(names) + " is null" : why) + note;
            }
            node = next;
        }
        return "";
    }

    private static String nullBecause(List<String> names) {
        if (names.size() == 2 && names.get(0).equals("params")) {
            return "parameter '" + names.get(1) + "' has no value (it is optional and has no default)";
        }
        if (names.size() == 2 && names.get(0).equals("env")) {
            return "the environment variable " + names.get(1) + " is not set";
        }
        if (names.size() == 1 && names.get(0).equals("event")) {
            return "the run was not started by an event";
        }
        return "";
    }

    private static String missing(String where, String name, JsonNode node) {
        if (where.isEmpty() && (name.equals("item") || name.equals("index"))) {
            return "this step runs for no item (item and index are set for each item of a step with foreach=, and for its rollback)";
        }
        if (where.isEmpty()) {
            where = "the context"; // a root the run does not have: "the context has no 'x' (it has params, steps, ...)"
        }
        if (where.equals("steps")) {
            return "step '" + name + "' has not run";
        }
        if (!node.isObject() && !name.startsWith("[")) {
            return where + " is " + type(node) + ", not an object with '" + name + "'";
        }
        if (name.startsWith("[")) {
            return where + (node.isArray() ? " has " + node.size() + " items" : " is " + type(node) + ", not a list");
        }
        List<String> members = new ArrayList<>();
        node.fieldNames().forEachRemaining(members::add);
        return where + " has no '" + name + "'" + (members.isEmpty() ? " (it is empty)"
                : " (it has " + String.join(", ", members.size() > 12 ? members.subList(0, 12) : members) + (members.size() > 12 ? ", …" : "") + ")");
    }

    private static String joined(List<String> names) {
        return String.join(".", names).replace(".[", "[");
    }

    private static String type(JsonNode node) {
        return node.isTextual() ? "text" : node.isNumber() ? "a number" : node.isBoolean() ? "a boolean" : node.isArray() ? "a list" : "null";
    }

    private static boolean isIdentifier(String name) {
        return name.matches("[A-Za-z_][A-Za-z0-9_]*");
    }

    /** The names of a plain path ({@code steps."check-disk".outputs.items[0]}); empty for any other expression. */
    private static List<String> path(String expression) {
        List<String> names = new ArrayList<>();
        Matcher m = SEGMENT.matcher(expression);
        int at = 0;
        boolean needDot = false;
        while (at < expression.length()) {
            if (needDot && m.find(at) && m.start() == at && m.group(3) != null) {
                names.add("[" + m.group(3) + "]");
                at = m.end();
                continue;
            }
            if (needDot) {
                if (expression.charAt(at) != '.') {
                    return List.of();
                }
                at++;
            }
            if (!m.find(at) || m.start() != at || m.group(3) != null) {
                return List.of();
            }
            names.add(m.group(1) != null ? m.group(1) : m.group(2).replaceAll("\\\\(.)", "$1"));
            at = m.end();
            needDot = true;
        }
        return names;
    }
}
