package dev.opsbook.runbook;

import java.util.ArrayList;
import java.util.List;

/**
 * The info string of a fenced block, read as a word followed by {@code key=value} attributes.
 * Values may be quoted with " or ' so they can hold spaces (an {@code if} condition, say).
 */
record InfoString(String word, int wordOffset, List<Attribute> attributes, List<Problem> problems) {

    /** @param offset where the key starts in the info string */
    record Attribute(String key, String value, int offset, boolean hasValue) {
    }

    record Problem(int offset, String message) {
    }

    static InfoString read(String info) {
        List<Attribute> attributes = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        int i = skipSpaces(info, 0);
        int wordStart = i;
        while (i < info.length() && !Character.isWhitespace(info.charAt(i)) && info.charAt(i) != '{') {
            i++;
        }
        String word = info.substring(wordStart, i);
        while (true) {
            i = skipSpaces(info, i);
            if (i >= info.length()) {
                break;
            }
            int keyStart = i;
            while (i < info.length() && !Character.isWhitespace(info.charAt(i)) && info.charAt(i) != '=') {
                i++;
            }
            String key = info.substring(keyStart, i);
            if (i >= info.length() || info.charAt(i) != '=') {
                attributes.add(new Attribute(key, "true", keyStart, false));
                continue;
            }
            i++; // '='
            StringBuilder value = new StringBuilder();
            if (i < info.length() && (info.charAt(i) == '"' || info.charAt(i) == '\'')) {
                char quote = info.charAt(i);
                int quoteStart = i;
                i++;
                boolean closed = false;
                while (i < info.length()) {
                    char c = info.charAt(i);
                    if (c == '\\' && quote == '"' && i + 1 < info.length()
                            && (info.charAt(i + 1) == '"' || info.charAt(i + 1) == '\\')) {
                        value.append(info.charAt(i + 1));
                        i += 2;
                        continue;
                    }
                    if (c == quote) {
                        closed = true;
                        i++;
                        break;
                    }
                    value.append(c);
                    i++;
                }
                if (!closed) {
                    problems.add(new Problem(quoteStart, "the value of '" + key + "' opens a quote " + quote
                            + " that is never closed"));
                }
            } else {
                while (i < info.length() && !Character.isWhitespace(info.charAt(i))) {
                    value.append(info.charAt(i));
                    i++;
                }
            }
            attributes.add(new Attribute(key, value.toString(), keyStart, true));
        }
        return new InfoString(word, wordStart, attributes, problems);
    }

    private static int skipSpaces(String text, int from) {
        int i = from;
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }
}
