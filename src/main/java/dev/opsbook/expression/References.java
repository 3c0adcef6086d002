package dev.opsbook.expression;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

    private static final Pattern REFERENCE = Pattern.compile(
            "(?<![A-Za-z0-9_.\"])(params|steps|env|run|event)\\s*\\.\\s*(?:\"((?:[^\"\\\\]|\\\\.)*)\"|([A-Za-z_][A-Za-z0-9_]*))");
    private static final Pattern LEADING_NAME = Pattern.compile("^\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*(?![\\s(A-Za-z0-9_])");
    private static final Pattern LEADING_QUOTED_NAME = Pattern.compile("^\\s*(\"((?:[^\"\\\\]|\\\\.)*)\")");

    private References() {
    }

    public static List<Reference> in(String expression) {
        String scanned = blankLiterals(expression);
        List<Reference> references = new ArrayList<>();
        Matcher matcher = REFERENCE.matcher(scanned);
        while (matcher.find()) {
            String name = matcher.group(2) != null
                    ? expression.substring(matcher.start(2), matcher.end(2))
                    : matcher.group(3);
            references.add(new Reference(matcher.group(1), name, matcher.start()));
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
        Matcher quoted = LEADING_QUOTED_NAME.matcher(expression);
        if (quoted.find()) {
            return ROOTS.contains(quoted.group(2)) || more.contains(quoted.group(2)) ? Optional.empty() : Optional.of(quoted.group(1));
        }
        String scanned = blankLiterals(expression);
        Matcher matcher = LEADING_NAME.matcher(scanned + " ");
        if (!matcher.find()) {
            return Optional.empty();
        }
        String name = matcher.group(1);
        int after = matcher.end(1);
        String rest = scanned.substring(after).stripLeading();
        if (rest.startsWith("(") || ROOTS.contains(name) || more.contains(name)
                || Set.of("true", "false", "null").contains(name)) {
            return Optional.empty();
        }
        return Optional.of(name);
    }

    private static String blankLiterals(String expression) {
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
