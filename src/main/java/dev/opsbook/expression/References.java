package dev.opsbook.expression;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Finds which parameters, steps and variables an expression reads, so validation can tell a
 * runbook's author about a typo before anything runs.
 *
 * //why: a scan of the text rather than a walk of the JMESPath tree: the library keeps its tree
 * private. Literals are blanked first, so a quoted 'params.x' is not taken for a reference.
 */
public final class References {

    /** The names templates can start from. */
    public static final Set<String> ROOTS = Set.of("params", "steps", "env", "run", "event");

    private References() {
    }

    /*
     * //why: one pass over the characters instead of three regular expressions per expression: the graph checks
     * scan every expression of every step on every load. They find what these patterns found, over the text with
     * its literals blanked (ReferencesScanTest holds them to it):
     *   reference     (?<![A-Za-z0-9_."])(params|steps|env|run|event)\s*\.\s*(?:"((?:[^"\\]|\\.)*)"|([A-Za-z_][A-Za-z0-9_]*))
     *   leading name  ^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?![\s(A-Za-z0-9_])
     *   leading "name" ^\s*("((?:[^"\\]|\\.)*)")
     */

    public static List<Reference> in(String expression) {
        String scanned = blankLiterals(expression);
        List<Reference> references = new ArrayList<>();
        int length = scanned.length();
        int i = 0;
        while (i < length) {
            int root = rootAt(scanned, i);
            if (root < 0 || (i > 0 && isNameBefore(scanned.charAt(i - 1)))) {
                i++;
                continue;
            }
            int at = skipSpaces(scanned, i + ROOT_NAMES[root].length());
            if (at >= length || scanned.charAt(at) != '.') {
                i++;
                continue;
            }
            at = skipSpaces(scanned, at + 1);
            int end = quotedEnd(scanned, at);
            String name;
            if (end > 0) {
                name = expression.substring(at + 1, end - 1);
            } else {
                end = identifierEnd(scanned, at);
                if (end == at) {
                    i++;
                    continue;
                }
                name = scanned.substring(at, end);
            }
            references.add(new Reference(ROOT_NAMES[root], name, i));
            i = end;
        }
        return references;
    }

    /**
     * The name an expression starts from when it is not one templates know ({@code param.x},
     * say), which JMESPath would quietly evaluate to null.
     */
    public static Optional<String> unknownRoot(String expression) {
        return unknownRoot(expression, Set.of());
    }

    /** As {@link #unknownRoot(String)}, with names a step has beyond the roots (a for-each step's {@code item} and {@code index}). */
    public static Optional<String> unknownRoot(String expression, Set<String> more) {
        // //why: a quoted identifier ("\n", as Go templates write strings) is a name too, and as null when it is not a root
        int start = skipSpaces(expression, 0);
        int quoted = quotedEnd(expression, start);
        if (quoted > 0) {
            String inner = expression.substring(start + 1, quoted - 1);
            return ROOTS.contains(inner) || more.contains(inner) ? Optional.empty() : Optional.of(expression.substring(start, quoted));
        }
        String scanned = blankLiterals(expression);
        int end = identifierEnd(scanned, start);
        if (end == start) {
            return Optional.empty();
        }
        int after = skipSpaces(scanned, end);
        if (after < scanned.length() && (scanned.charAt(after) == '(' || isNamePart(scanned.charAt(after)))) {
            return Optional.empty(); // a function call, or two words
        }
        while (after < scanned.length() && Character.isWhitespace(scanned.charAt(after))) {
            after++; // white space beyond \s, as String.stripLeading takes it
        }
        if (after < scanned.length() && scanned.charAt(after) == '(') {
            return Optional.empty();
        }
        String name = scanned.substring(start, end);
        if (ROOTS.contains(name) || more.contains(name) || name.equals("true") || name.equals("false") || name.equals("null")) {
            return Optional.empty();
        }
        return Optional.of(name);
    }

    private static final String[] ROOT_NAMES = {"params", "steps", "env", "run", "event"};

    /** Which root word starts at {@code i}, as an index into {@link #ROOT_NAMES}, or -1. */
    private static int rootAt(String text, int i) {
        switch (text.charAt(i)) {
            case 'p' -> {
                return text.startsWith("params", i) ? 0 : -1;
            }
            case 's' -> {
                return text.startsWith("steps", i) ? 1 : -1;
            }
            case 'e' -> {
                return text.startsWith("env", i) ? 2 : text.startsWith("event", i) ? 4 : -1;
            }
            case 'r' -> {
                return text.startsWith("run", i) ? 3 : -1;
            }
            default -> {
                return -1;
            }
        }
    }

    private static boolean isNameBefore(char c) {
        return isNamePart(c) || c == '.' || c == '"';
    }

    private static boolean isNameStart(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
    }

    private static boolean isNamePart(char c) {
        return isNameStart(c) || (c >= '0' && c <= '9');
    }

    /** As the regular expression \s: space, tab, the line breaks, vertical tab and form feed. */
    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
    }

    private static int skipSpaces(String text, int from) {
        int i = from;
        while (i < text.length() && isSpace(text.charAt(i))) {
            i++;
        }
        return i;
    }

    private static int identifierEnd(String text, int from) {
        if (from >= text.length() || !isNameStart(text.charAt(from))) {
            return from;
        }
        int i = from + 1;
        while (i < text.length() && isNamePart(text.charAt(i))) {
            i++;
        }
        return i;
    }

    /**
     * After the closing quote of a "quoted name" that starts at {@code from}, or -1. A backslash takes the next
     * character with it, unless that is a line break, as the regular expression's '.' does.
     */
    private static int quotedEnd(String text, int from) {
        if (from >= text.length() || text.charAt(from) != '"') {
            return -1;
        }
        int i = from + 1;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '"') {
                return i + 1;
            }
            if (c == '\\') {
                if (i + 1 >= text.length() || isLineBreak(text.charAt(i + 1))) {
                    return -1;
                }
                i += 2;
            } else {
                i++;
            }
        }
        return -1;
    }

    private static boolean isLineBreak(char c) {
        return c == '\n' || c == '\r' || c == '\u0085' || c == '\u2028' || c == '\u2029';
    }

    static String blankLiterals(String expression) {
        if (expression.indexOf('\'') < 0 && expression.indexOf('`') < 0) {
            return expression; // no literal to blank
        }
        StringBuilder out = new StringBuilder(expression.length());
        char quote = 0;
        for (int i = 0; i < expression.length(); i++) {
            char c = expression.charAt(i);
            if (quote != 0) {
                if (c == '\\' && i + 1 < expression.length()) {
                    out.append("  ");
                    i++;
                    continue;
                }
                if (c == quote) {
                    quote = 0;
                    out.append(c);
                } else {
                    out.append(' ');
                }
                continue;
            }
            if (c == '\'' || c == '`') {
                quote = c;
            }
            out.append(c);
        }
        return out.toString();
    }
}
