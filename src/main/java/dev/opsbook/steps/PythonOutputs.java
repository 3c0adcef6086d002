package dev.opsbook.steps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What a python step's {@code output(name, value)} calls wrote: one JSON object
 * {@code {"name": ..., "value": ...}} per line. JSON escapes every line break inside a value, so a
 * value cannot make a line of its own and forge another output (the weakness of shell's
 * {@code NAME=VALUE}, see {@link OutputFile}). A later call for a name replaces the earlier value.
 */
final class PythonOutputs {

    /** The file does not read as outputs: something other than {@code output()} wrote to it. */
    static final class Unreadable extends Exception {
        Unreadable(String message) {
            super(message);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");

    private PythonOutputs() {
    }

    static ObjectNode read(String text) throws Unreadable {
        ObjectNode outputs = JsonNodeFactory.instance.objectNode();
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            JsonNode line;
            try {
                line = JSON.readTree(lines.get(i));
            } catch (IOException e) {
                line = null;
            }
            if (line == null || !line.isObject() || line.size() != 2 || !line.path("name").isTextual() || !line.has("value")
                    || !NAME.matcher(line.path("name").textValue()).matches()) {
                throw new Unreadable("line " + (i + 1) + " of the step's outputs was not written by output(name, value); set outputs"
                        + " only with output(name, value)");
            }
            outputs.set(line.path("name").textValue(), line.get("value"));
        }
        return outputs;
    }
}
