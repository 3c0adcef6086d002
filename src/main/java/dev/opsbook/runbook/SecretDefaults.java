package dev.opsbook.runbook;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A runbook's text with the {@code default:} of each secret parameter written as {@code '********'}: the text a stored
 * run keeps (to render its record, to resume it), which must not hold a secret, and which must still load.
 */
public final class SecretDefaults {

    /** The mask as a YAML scalar: a bare {@code ********} would read as an alias. */
    public static final String QUOTED_MASK = "'********'";

    private SecretDefaults() {
    }

    public static String masked(Runbook runbook) {
        record Span(int from, int to) {
        }
        String text = runbook.text();
        List<Span> spans = new ArrayList<>();
        List<String> elsewhere = new ArrayList<>();
        for (Parameter parameter : runbook.parameters()) {
            if (!parameter.isSecret() || parameter.defaultValue().isEmpty()) {
                continue;
            }
            String value = parameter.defaultValue().get().asText();
            Position at = runbook.positions().get("/parameters/" + parameter.name().replace("~", "~0").replace("/", "~1") + "/default");
            int from = at == null ? -1 : offset(text, at);
            int to = from < 0 ? -1 : scalarEnd(text, from, value);
            if (to > from) {
                spans.add(new Span(from, to));
            } else {
                elsewhere.add(value); // a block scalar, or a position this text does not hold: every plain occurrence
            }
        }
        StringBuilder out = new StringBuilder(text);
        spans.stream().sorted(Comparator.comparingInt(Span::from).reversed()).forEach(s -> out.replace(s.from(), s.to(), QUOTED_MASK));
        String masked = out.toString();
        for (String value : elsewhere) {
            if (value.length() >= 3) {
                masked = masked.replace(value, QUOTED_MASK);
            }
        }
        return masked;
    }

    private static int offset(String text, Position at) {
        int lineStart = 0;
        for (int line = 1; line < at.line(); line++) {
            lineStart = text.indexOf('\n', lineStart) + 1;
            if (lineStart == 0) {
                return -1;
            }
        }
        int offset = lineStart + at.column() - 1;
        return offset < text.length() ? offset : -1;
    }

    /** Where the scalar written at {@code from} ends: quoted, or plain and exactly the value; -1 when it is neither. */
    private static int scalarEnd(String text, int from, String value) {
        char first = text.charAt(from);
        if (first == '\'' || first == '"') {
            for (int i = from + 1; i < text.length(); i++) {
                char c = text.charAt(i);
                if (first == '"' && c == '\\') {
                    i++;
                } else if (c == first) {
                    if (first == '\'' && i + 1 < text.length() && text.charAt(i + 1) == '\'') {
                        i++; // '' is a quote inside single quotes
                    } else {
                        return i + 1;
                    }
                }
            }
            return -1;
        }
        return text.startsWith(value, from) ? from + value.length() : -1;
    }
}
