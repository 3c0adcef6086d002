package dev.opsbook.trigger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A pattern written as the one-line JSON that event-ruler reads, remembering where each key and
 * value of it starts, so that the column event-ruler names in an error leads back to the member
 * of the pattern at fault, and from there to its line and column in the runbook.
 */
final class PatternJson {

    private static final Pattern COLUMN = Pattern.compile("column: (\\d+)]");

    private final String json;
    private final List<Integer> starts = new ArrayList<>();
    private final List<String> pointers = new ArrayList<>();

    private PatternJson(JsonNode pattern) {
        StringBuilder out = new StringBuilder();
        write(pattern, "", out);
        this.json = out.toString();
    }

    static PatternJson of(JsonNode pattern) {
        return new PatternJson(pattern);
    }

    String json() {
        return json;
    }

    /** An error of event-ruler's: its message without the JSON it quotes, and where in the pattern it is. */
    record Problem(String message, Optional<String> pointer) {
    }

    Problem problem(String rulerMessage) {
        String message = rulerMessage.strip();
        int source = message.indexOf("\n at [Source:");
        String text = (source < 0 ? message : message.substring(0, source)).strip();
        Matcher column = COLUMN.matcher(message);
        Optional<String> pointer = Optional.empty();
        int last = -1;
        while (column.find()) {
            last = Integer.parseInt(column.group(1));
        }
        if (source >= 0 && last > 0) {
            String at = pointerAt(last - 1);
            // "Unrecognized match type prefx" is about the key, read before its value
            if (text.startsWith("Unrecognized match type") && !at.endsWith("#key")) {
                at = at + "#key";
            }
            pointer = Optional.of(at);
        }
        return new Problem(text, pointer);
    }

    /** The key or value written last before {@code offset}: JSON pointer, with "#key" for a key. */
    String pointerAt(int offset) {
        String found = "";
        for (int i = 0; i < starts.size() && starts.get(i) < Math.max(offset, 1); i++) {
            found = pointers.get(i);
        }
        return found;
    }

    private void write(JsonNode node, String pointer, StringBuilder out) {
        mark(out.length(), pointer);
        if (node.isObject()) {
            out.append('{');
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            boolean first = true;
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (!first) {
                    out.append(',');
                }
                first = false;
                String child = pointer + "/" + field.getKey().replace("~", "~0").replace("/", "~1");
                mark(out.length(), child + "#key");
                out.append(TextNode.valueOf(field.getKey())).append(':');
                write(field.getValue(), child, out);
            }
            out.append('}');
        } else if (node.isArray()) {
            out.append('[');
            for (int i = 0; i < node.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                write(node.get(i), pointer + "/" + i, out);
            }
            out.append(']');
        } else {
            out.append(node.toString());
        }
    }

    private void mark(int offset, String pointer) {
        starts.add(offset);
        pointers.add(pointer);
    }
}
