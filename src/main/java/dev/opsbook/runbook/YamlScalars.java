package dev.opsbook.runbook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * {@link LightYaml}'s one-line scalars: plain ones typed by SnakeYAML's resolver, 'single' and "double" quoted ones.
 * Each reads from {@code column} of the line {@code text[start, stop)} and gives up where SnakeYAML must read the text.
 */
final class YamlScalars {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    /** Read-only after construction, so shared. */
    private static final Types RESOLVER = new Types();

    private YamlScalars() {
    }

    private static char at(String text, int start, int stop, int column) {
        int i = start + column;
        return i < stop ? text.charAt(i) : '\n';
    }

    static JsonNode plainInBlock(String text, int start, int stop, int column) {
        startsPlain(text, start, stop, column);
        int c = column;
        int last = column; // after the last character that is not a space
        while (true) {
            char ch = at(text, start, stop, c);
            if (ch == '\n' || (ch == '#' && at(text, start, stop, c - 1) == ' ')) {
                break;
            }
            if (ch == ':') {
                char after = at(text, start, stop, c + 1);
                if (after == ' ' || after == '\n') {
                    throw LightYaml.GiveUp.INSTANCE; // "a: b: c" is an error SnakeYAML reports
                }
            }
            c++;
            if (ch != ' ') {
                last = c;
            }
        }
        return plain(text.substring(start + column, start + last));
    }

    private static void startsPlain(String text, int start, int stop, int column) {
        char first = at(text, start, stop, column);
        if ("?:,[]{}#&*!|>'\"%@`".indexOf(first) >= 0 || first == '\n' || first == ' ') {
            throw LightYaml.GiveUp.INSTANCE;
        }
        if (first == '-' && (at(text, start, stop, column + 1) == ' ' || at(text, start, stop, column + 1) == '\n')) {
            throw LightYaml.GiveUp.INSTANCE;
        }
    }

    private static JsonNode plain(String value) {
        return YamlTree.scalar(value, RESOLVER.type(value));
    }

    /** SnakeYAML's resolver, asked only about a value whose first character some of its patterns start with. */
    private static final class Types extends Resolver {
        /** Words of YAML 1.1 a boolean or null is written as: {@code false}, {@code FALSE}... are the longest. */
        private static final int LONGEST_WORD = 5;

        private final boolean[] typedFirst = new boolean[128];
        /** Letters only the patterns for booleans and nulls start with: a longer value starting with one is a string. */
        private final boolean[] wordFirst = new boolean[128];
        private final boolean anyFirst;

        Types() {
            for (Character first : yamlImplicitResolvers.keySet()) {
                if (first != null && first < 128) {
                    typedFirst[first] = true;
                    // its patterns are package-private tuples; their text names the tag ("Tuple tag=... regexp=...")
                    boolean words = Character.isLetter(first);
                    for (Object tuple : (java.util.List<?>) yamlImplicitResolvers.get(first)) {
                        String text = String.valueOf(tuple);
                        words &= text.startsWith("Tuple tag=" + Tag.BOOL + " ") || text.startsWith("Tuple tag=" + Tag.NULL + " ");
                    }
                    wordFirst[first] = words;
                }
            }
            // SnakeYAML tries the patterns registered for no first character on every value: if they are its usual two
            // for null (~, null, Null, NULL, " " and ""), a value that starts with none of ~nN and a space is untouched by them
            String any = String.valueOf((Object) yamlImplicitResolvers.get(null));
            boolean usualNulls = yamlImplicitResolvers.get(null) == null || (yamlImplicitResolvers.get(null).size() == 2
                    && any.contains("regexp=" + NULL.pattern() + " ") && any.contains("regexp=" + EMPTY.pattern() + " "));
            anyFirst = !usualNulls || yamlImplicitResolvers.keySet().stream().anyMatch(c -> c != null && c >= 128)
                    || !typedFirst['~'] || !typedFirst['n'] || !typedFirst['N'];
        }

        Tag type(String value) {
            char first = value.charAt(0);
            if (!anyFirst && first < 128 && first != ' ' && !typedFirst[first]) {
                return Tag.STR; // what resolve gives when no pattern starts with this character
            }
            if (!anyFirst && first < 128 && wordFirst[first] && value.length() > LONGEST_WORD) {
                return Tag.STR; // //why: team-platform, string: no boolean or null word is that long, so no pattern can match
            }
            return resolve(NodeId.scalar, value, true);
        }
    }

    /** A 'single' or "double" quoted scalar closed on its line; {@code end[0]} is set after the closing quote. */
    static JsonNode quoted(String text, int start, int stop, int column, int[] end) {
        char quote = at(text, start, stop, column);
        StringBuilder value = new StringBuilder();
        int c = column + 1;
        while (true) {
            char ch = at(text, start, stop, c);
            if (ch == '\n') {
                throw LightYaml.GiveUp.INSTANCE; // goes on below
            }
            if (ch == quote) {
                if (quote == '\'' && at(text, start, stop, c + 1) == '\'') {
                    value.append('\'');
                    c += 2;
                    continue;
                }
                end[0] = c + 1;
                return JSON.textNode(value.toString());
            }
            if (ch == '\\' && quote == '"') {
                char escaped = at(text, start, stop, c + 1);
                switch (escaped) {
                    case '\\', '"' -> value.append(escaped);
                    case 'n' -> value.append('\n');
                    case 't' -> value.append('\t');
                    case 'r' -> value.append('\r');
                    case '0' -> value.append('\0');
                    default -> throw LightYaml.GiveUp.INSTANCE;
                }
                c += 2;
                continue;
            }
            value.append(ch);
            c++;
        }
    }

    static JsonNode plainInFlow(String text, int start, int stop, int column, int[] end) {
        startsPlain(text, start, stop, column);
        int c = column;
        int last = column;
        while (true) {
            char ch = at(text, start, stop, c);
            if (ch == '\n' || ch == ',' || ch == ']' || ch == '}') {
                break;
            }
            if (ch == '?' || ch == '[' || ch == '{' || (ch == '#' && at(text, start, stop, c - 1) == ' ')) {
                throw LightYaml.GiveUp.INSTANCE;
            }
            if (ch == ':') {
                char after = at(text, start, stop, c + 1);
                if (after == ' ' || after == '\n' || after == ',' || after == ']' || after == '}' || after == '[' || after == '{') {
                    throw LightYaml.GiveUp.INSTANCE; // a pair inside a list, or a key where a value was expected
                }
            }
            c++;
            if (ch != ' ') {
                last = c;
            }
        }
        end[0] = last;
        return plain(text.substring(start + column, start + last));
    }
}
