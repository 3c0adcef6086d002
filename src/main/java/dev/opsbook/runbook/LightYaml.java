package dev.opsbook.runbook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;

/**
 * A reader for the YAML most runbooks hold: block mappings and lists whose values are one-line scalars
 * (plain, 'single' or "double" quoted) or one-line flow collections ({@code { type: string }}, {@code [a, b]}).
 * It reads only what it fully understands and gives up on everything else (anchors, tags, block scalars,
 * multi-line scalars, complex keys, duplicate keys, tabs, anything SnakeYAML would reject), so that SnakeYAML
 * reads that text instead: values, their positions and problems are then the same whichever read it.
 * Scalars are read by {@link YamlScalars}, plain ones typed by SnakeYAML's own resolver.
 *
 * //why: SnakeYAML's scanner, parser and composer cost more than all the rest of reading a step; a step body of
 * a few {@code key: value} lines is read here in one pass over its lines.
 */
final class LightYaml {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final int MAX_DEPTH = 40;
    private static final int MAX_LINE = 1000;

    /** Thrown where the text holds something this reader does not fully understand. */
    static final class GiveUp extends RuntimeException {
        static final GiveUp INSTANCE = new GiveUp();

        private GiveUp() {
            super(null, null, false, false);
        }
    }

    private final String text;
    private final YamlTree.Placer placer;
    private final int[] starts;
    private final int[] ends;
    private final int lineCount;
    private final Map<String, Position> positions = new HashMap<>();
    /** The line after the last one a block node took. */
    private int next;
    private int depth;

    private LightYaml(String text, YamlTree.Placer placer, int[] starts, int[] ends, int lineCount) {
        this.text = text;
        this.placer = placer;
        this.starts = starts;
        this.ends = ends;
        this.lineCount = lineCount;
    }

    /** The tree, or null when SnakeYAML must read {@code text}. */
    static YamlTree read(String text, YamlTree.Placer placer) {
        int length = text.length();
        if (length == 0 || length > 1_000_000) {
            return null;
        }
        int lines = 1;
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c == '\n') {
                lines++;
            } else if (c < 0x20 || (c >= 0x7F && c <= 0x9F) || (c >= 0xD800 && c <= 0xDFFF) || c >= 0xFFFE
                    || c == 0x2028 || c == 0x2029 || c == 0xFEFF) {
                return null; // tabs, carriage returns, YAML's other line breaks, characters it rejects: SnakeYAML's to read
            }
        }
        int[] starts = new int[lines];
        int[] ends = new int[lines];
        int line = 0;
        int start = 0;
        for (int i = 0; i <= length; i++) {
            if (i == length || text.charAt(i) == '\n') {
                if (i - start > MAX_LINE) {
                    return null;
                }
                starts[line] = start;
                ends[line] = i;
                if (i - start >= 3 && (text.startsWith("---", start) || text.startsWith("...", start))) {
                    return null; // a document marker
                }
                if (i > start && text.charAt(start) == '%') {
                    return null; // a directive
                }
                line++;
                start = i + 1;
            }
        }
        LightYaml reader = new LightYaml(text, placer, starts, ends, lines);
        try {
            int first = reader.content(0);
            if (first == lines) {
                return null;
            }
            JsonNode value = reader.block(first, reader.indent(first), "");
            if (reader.content(reader.next) != lines) {
                return null;
            }
            return new YamlTree(value, reader.positions, new ArrayList<>());
        } catch (GiveUp e) {
            return null;
        }
    }

    // ---- lines ---------------------------------------------------------------------------------

    /** The first line from {@code line} on that holds more than spaces and a comment. */
    private int content(int line) {
        for (int l = line; l < lineCount; l++) {
            int i = starts[l];
            while (i < ends[l] && text.charAt(i) == ' ') {
                i++;
            }
            if (i < ends[l] && text.charAt(i) != '#') {
                return l;
            }
        }
        return lineCount;
    }

    private int indent(int line) {
        int i = starts[line];
        while (i < ends[line] && text.charAt(i) == ' ') {
            i++;
        }
        return i - starts[line];
    }

    private char at(int line, int column) {
        int i = starts[line] + column;
        return i < ends[line] ? text.charAt(i) : '\n';
    }

    private boolean isDash(int line, int column) {
        char after = at(line, column + 1);
        return at(line, column) == '-' && (after == ' ' || after == '\n');
    }

    private int skipSpaces(int line, int column) {
        int c = column;
        while (at(line, c) == ' ') {
            c++;
        }
        return c;
    }

    /** Nothing but spaces and maybe a comment from {@code column} on (a comment only after a space). */
    private boolean restIsEmpty(int line, int column) {
        int c = skipSpaces(line, column);
        char ch = at(line, c);
        return ch == '\n' || (ch == '#' && c > column);
    }

    private Position place(int line, int column) {
        return placer.place(line, column);
    }

    private static String child(String pointer, String key) {
        return pointer + "/" + key.replace("~", "~0").replace("/", "~1");
    }

    // ---- block nodes ---------------------------------------------------------------------------

    /** A mapping or list starting at {@code column} of {@code line}; sets {@link #next}. */
    private JsonNode block(int line, int column, String pointer) {
        if (++depth > MAX_DEPTH) {
            throw GiveUp.INSTANCE;
        }
        JsonNode value;
        if (isDash(line, column)) {
            value = sequence(line, column, pointer);
        } else if (keyEnd(line, column) > 0) {
            value = mapping(line, column, pointer);
        } else {
            throw GiveUp.INSTANCE; // a scalar on its own line, a quoted or complex key
        }
        depth--;
        return value;
    }

    /** Where the ':' after a plain key starting at {@code column} is, or -1 when no such key starts there. */
    private int keyEnd(int line, int column) {
        char first = at(line, column);
        if (!(Character.isLetterOrDigit(first) && first < 0x80) && first != '_') {
            return -1;
        }
        int c = column + 1;
        while (true) {
            char ch = at(line, c);
            if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')
                    || ch == '_' || ch == '-' || ch == '.' || ch == '$' || ch == '/') {
                c++;
            } else {
                break;
            }
        }
        char after = at(line, c + 1);
        return at(line, c) == ':' && (after == ' ' || after == '\n') ? c : -1;
    }

    private ObjectNode mapping(int firstLine, int column, String pointer) {
        positions.putIfAbsent(pointer, place(firstLine, column));
        ObjectNode object = JSON.objectNode();
        int line = firstLine;
        while (true) {
            int colon = keyEnd(line, column);
            if (colon < 0) {
                throw GiveUp.INSTANCE;
            }
            String key = text.substring(starts[line] + column, starts[line] + colon);
            if (object.has(key)) {
                throw GiveUp.INSTANCE; // SnakeYAML's reading reports both places
            }
            String child = child(pointer, key);
            positions.put(child + "#key", place(line, column));
            int valueAt = skipSpaces(line, colon + 1);
            if (restIsEmpty(line, colon + 1)) {
                int below = content(line + 1);
                if (below < lineCount && indent(below) > column) {
                    object.set(key, block(below, indent(below), child));
                } else if (below < lineCount && indent(below) == column && isDash(below, column)) {
                    object.set(key, sequence(below, column, child)); // a list written at its key's indent
                } else {
                    positions.putIfAbsent(child, place(line, colon + 1));
                    object.set(key, JSON.nullNode());
                    next = line + 1;
                }
            } else {
                positions.putIfAbsent(child, place(line, valueAt));
                object.set(key, inline(line, valueAt, child));
                next = line + 1;
            }
            int following = content(next);
            if (following == lineCount || indent(following) < column) {
                next = following;
                return object;
            }
            if (indent(following) > column || isDash(following, column)) {
                throw GiveUp.INSTANCE;
            }
            line = following;
        }
    }

    private ArrayNode sequence(int firstLine, int column, String pointer) {
        positions.putIfAbsent(pointer, place(firstLine, column));
        ArrayNode array = JSON.arrayNode();
        int line = firstLine;
        while (true) {
            String child = pointer + "/" + array.size();
            if (restIsEmpty(line, column + 1)) {
                throw GiveUp.INSTANCE; // an item on the lines below its dash
            }
            int itemAt = skipSpaces(line, column + 1);
            if (isDash(line, itemAt)) {
                throw GiveUp.INSTANCE;
            }
            if (keyEnd(line, itemAt) > 0) {
                if (++depth > MAX_DEPTH) {
                    throw GiveUp.INSTANCE;
                }
                array.add(mapping(line, itemAt, child));
                depth--;
            } else {
                positions.putIfAbsent(child, place(line, itemAt));
                array.add(inline(line, itemAt, child));
                next = line + 1;
            }
            int following = content(next);
            if (following == lineCount || indent(following) < column
                    || (indent(following) == column && !isDash(following, column))) {
                next = following; // the key after a list written at its key's indent ends the list
                return array;
            }
            if (indent(following) > column) {
                throw GiveUp.INSTANCE;
            }
            line = following;
        }
    }

    // ---- one-line values -----------------------------------------------------------------------

    /** A value that starts at {@code column} and ends on this line, with nothing after it but a comment. */
    private JsonNode inline(int line, int column, String pointer) {
        char first = at(line, column);
        int[] end = new int[1];
        JsonNode value;
        if (first == '[' || first == '{') {
            value = flow(line, column, pointer, end);
        } else if (first == '"' || first == '\'') {
            value = YamlScalars.quoted(text, starts[line], ends[line], column, end);
        } else {
            return YamlScalars.plainInBlock(text, starts[line], ends[line], column);
        }
        if (!restIsEmpty(line, end[0])) {
            throw GiveUp.INSTANCE;
        }
        return value;
    }

    /** A flow mapping or list closed on its line; {@code end[0]} is set after its closing bracket. */
    private JsonNode flow(int line, int column, String pointer, int[] end) {
        if (++depth > MAX_DEPTH) {
            throw GiveUp.INSTANCE;
        }
        boolean mapping = at(line, column) == '{';
        char close = mapping ? '}' : ']';
        ObjectNode object = mapping ? JSON.objectNode() : null;
        ArrayNode array = mapping ? null : JSON.arrayNode();
        int c = skipSpaces(line, column + 1);
        if (at(line, c) == close) {
            end[0] = c + 1;
            depth--;
            return mapping ? object : array;
        }
        while (true) {
            String child;
            String key = null;
            if (mapping) {
                int colon = keyEnd(line, c);
                if (colon < 0) {
                    throw GiveUp.INSTANCE;
                }
                key = text.substring(starts[line] + c, starts[line] + colon);
                if (object.has(key)) {
                    throw GiveUp.INSTANCE;
                }
                child = child(pointer, key);
                positions.put(child + "#key", place(line, c));
                c = skipSpaces(line, colon + 1);
            } else {
                child = pointer + "/" + array.size();
            }
            positions.putIfAbsent(child, place(line, c));
            JsonNode value;
            char first = at(line, c);
            int[] after = new int[1];
            if (first == '[' || first == '{') {
                value = flow(line, c, child, after);
            } else if (first == '"' || first == '\'') {
                value = YamlScalars.quoted(text, starts[line], ends[line], c, after);
            } else {
                value = YamlScalars.plainInFlow(text, starts[line], ends[line], c, after);
            }
            if (mapping) {
                object.set(key, value);
            } else {
                array.add(value);
            }
            c = skipSpaces(line, after[0]);
            char ch = at(line, c);
            if (ch == close) {
                end[0] = c + 1;
                depth--;
                return mapping ? object : array;
            }
            if (ch != ',') {
                throw GiveUp.INSTANCE;
            }
            c = skipSpaces(line, c + 1);
            if (at(line, c) == close || at(line, c) == ',') {
                throw GiveUp.INSTANCE; // a trailing or doubled comma
            }
        }
    }
}
