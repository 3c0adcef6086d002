package dev.opsbook.runbook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.StringReader;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * YAML read into a JSON tree that remembers where every value was written, so that a problem
 * found later (a bad default, an unknown key) can still be reported at its line and column.
 *
 * @param value the document, or null when the text is empty
 * @param positions start of each value (and of each mapping key, as "pointer#key"), by JSON pointer
 * @param problems syntax errors and duplicate keys, already placed in the enclosing file
 */
public record YamlTree(JsonNode value, Map<String, Position> positions, List<Problem> problems) {

    public record Problem(Position position, String message) {
    }

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /** //why: building a Yaml (its resolver and constructors) cost more than reading a small step body; one per thread. */
    private static final ThreadLocal<Yaml> YAML = ThreadLocal.withInitial(() -> {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(true); // reported ourselves, with both places
        options.setMaxAliasesForCollections(50);
        return new Yaml(options);
    });

    /**
     * Reads {@code text} whose first character sits at {@code origin} in the enclosing file;
     * {@code indent} is added to the column of every line after the first.
     */
    public static YamlTree read(String text, Position origin, int indent) {
        YamlTree light = LightYaml.read(text, new Placer(origin, indent));
        return light != null ? light : readWithSnakeYaml(text, origin, indent);
    }

    /** As {@link #read}, always with SnakeYAML: what {@link LightYaml} is held to. */
    static YamlTree readWithSnakeYaml(String text, Position origin, int indent) {
        Map<String, Position> positions = new HashMap<>();
        List<Problem> problems = new ArrayList<>();
        Placer placer = new Placer(origin, indent);
        try {
            Node root = YAML.get().compose(new StringReader(text));
            if (root == null) {
                return new YamlTree(null, positions, problems);
            }
            JsonNode value = convert(root, "", positions, problems, placer, new Expansion());
            return new YamlTree(value, positions, problems);
        } catch (Unreadable e) {
            problems.add(new Problem(placer.place(e.mark), "invalid YAML: " + e.getMessage()));
            return new YamlTree(null, positions, problems);
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String message = e.getProblem() != null ? e.getProblem() : e.getMessage();
            if (e.getContext() != null) {
                message = message + " (" + e.getContext() + ")";
            }
            problems.add(new Problem(placer.place(mark), "invalid YAML: " + message + hint(text, message)));
            return new YamlTree(null, positions, problems);
        } catch (YAMLException e) {
            problems.add(new Problem(origin, "invalid YAML: " + e.getMessage()));
            return new YamlTree(null, positions, problems);
        }
    }

    private static final String TEMPLATE_HINT = "; a value that starts with {{ must be quoted, e.g. \"{{ params.name }}\"";

    private static String hint(String text, String message) {
        if (text.contains("{{") && (message.contains("mapping") || message.contains("flow"))) {
            return TEMPLATE_HINT;
        }
        return "";
    }

    /** Where a place in the YAML text (0-based line and column) is in the enclosing file. */
    record Placer(Position origin, int indent) {
        Position place(Mark mark) {
            return mark == null ? origin : place(mark.getLine(), mark.getColumn());
        }

        Position place(int textLine, int textColumn) {
            int line = origin.line() + textLine;
            int column = textLine == 0 ? origin.column() + textColumn : indent + textColumn + 1;
            return new Position(line, Math.max(1, column));
        }
    }

    /** Values read so far and the nodes being read: aliases can make a few lines an endless or huge tree. */
    private static final class Expansion {
        static final int MAX_VALUES = 100_000;
        final Set<Node> open = Collections.newSetFromMap(new IdentityHashMap<>());
        int values;
    }

    private static final class Unreadable extends RuntimeException {
        final transient Mark mark;

        Unreadable(String message, Mark mark) {
            super(message, null, false, false);
            this.mark = mark;
        }
    }

    private static JsonNode convert(Node node, String pointer, Map<String, Position> positions,
                                    List<Problem> problems, Placer placer, Expansion expansion) {
        if (!expansion.open.add(node)) {
            throw new Unreadable("an alias refers to a value that contains it", node.getStartMark());
        }
        if (++expansion.values > Expansion.MAX_VALUES) {
            throw new Unreadable("aliases expand to more than " + Expansion.MAX_VALUES + " values", node.getStartMark());
        }
        JsonNode value = toJson(node, pointer, positions, problems, placer, expansion);
        expansion.open.remove(node);
        return value;
    }

    private static JsonNode toJson(Node node, String pointer, Map<String, Position> positions,
                                   List<Problem> problems, Placer placer, Expansion expansion) {
        positions.putIfAbsent(pointer, placer.place(node.getStartMark()));
        if (node instanceof MappingNode mapping) {
            ObjectNode object = JSON.objectNode();
            for (NodeTuple tuple : mapping.getValue()) {
                String key = tuple.getKeyNode() instanceof ScalarNode scalar ? scalar.getValue() : "?";
                String child = pointer + "/" + key.replace("~", "~0").replace("/", "~1");
                Position keyPosition = placer.place(tuple.getKeyNode().getStartMark());
                if (!(tuple.getKeyNode() instanceof ScalarNode)) { // url: {{ x }} reads as a mapping inside a mapping
                    problems.add(new Problem(keyPosition, "invalid YAML: a key must be a single value, not a list or mapping"
                            + (tuple.getKeyNode() instanceof MappingNode ? TEMPLATE_HINT : "")));
                    continue;
                }
                if (object.has(key)) {
                    problems.add(new Problem(keyPosition, "duplicate key '" + key + "' (first at "
                            + positions.get(child + "#key") + ")"));
                    continue;
                }
                positions.put(child + "#key", keyPosition);
                object.set(key, convert(tuple.getValueNode(), child, positions, problems, placer, expansion));
            }
            return object;
        }
        if (node instanceof SequenceNode sequence) {
            ArrayNode array = JSON.arrayNode();
            List<Node> items = sequence.getValue();
            for (int i = 0; i < items.size(); i++) {
                array.add(convert(items.get(i), pointer + "/" + i, positions, problems, placer, expansion));
            }
            return array;
        }
        ScalarNode scalar = (ScalarNode) node;
        return scalar(scalar.getValue(), scalar.getTag());
    }

    /** A scalar's value as written and the tag SnakeYAML's resolver gave it, as JSON. */
    static JsonNode scalar(String text, Tag tag) {
        try {
            if (Tag.NULL.equals(tag)) {
                return JSON.nullNode();
            }
            if (Tag.BOOL.equals(tag)) {
                // YAML 1.1 reads yes/no/on/off as booleans too; keep them as written when they are words.
                if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
                    return JSON.booleanNode(text.equalsIgnoreCase("true"));
                }
                return JSON.textNode(text);
            }
            if (Tag.INT.equals(tag)) {
                String digits = text.replace("_", "");
                BigInteger value = digits.startsWith("0x") ? new BigInteger(digits.substring(2), 16) : new BigInteger(digits);
                return value.bitLength() < 63 ? JSON.numberNode(value.longValue()) : JSON.numberNode(value);
            }
            if (Tag.FLOAT.equals(tag)) {
                return JSON.numberNode(Double.parseDouble(text.replace("_", "")));
            }
        } catch (NumberFormatException e) {
            return JSON.textNode(text);
        }
        return JSON.textNode(text);
    }
}
