package dev.opsbook.steps;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What a shell script wrote to {@code $OPSBOOK_OUTPUT}: lines {@code NAME=VALUE}, or a value on
 * the lines between {@code NAME<<DELIMITER} and a line {@code DELIMITER} (GitHub Actions' form).
 *
 * //why: a line break inside a {@code NAME=VALUE} value makes a line no reader can tell from one
 * the script wrote. So each name is taken once (a forged line cannot replace an output), and only
 * a name the script's text writes ({@code NAME=} or {@code NAME<<}) is taken (nor add one).
 */
final class OutputFile {

    /** The file does not read as outputs; the message says which line and what to write. */
    static final class Unreadable extends Exception {
        Unreadable(String message) {
            super(message);
        }
    }

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");
    private static final String HOW = "write a value that may hold a line break as NAME<<DELIMITER, its lines, then DELIMITER";

    private OutputFile() {
    }

    static ObjectNode read(String text, String script) throws Unreadable {
        ObjectNode outputs = JsonNodeFactory.instance.objectNode();
        Map<String, Integer> writtenAt = new HashMap<>();
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int number = i + 1;
            if (line.isBlank()) {
                continue;
            }
            int equals = line.indexOf('=');
            int heredoc = line.indexOf("<<");
            boolean delimited = heredoc > 0 && (equals < 0 || heredoc < equals);
            String name = (delimited ? line.substring(0, heredoc) : equals > 0 ? line.substring(0, equals) : "").strip();
            if (!NAME.matcher(name).matches()) {
                throw new Unreadable("line " + number + " of $OPSBOOK_OUTPUT is neither NAME=VALUE nor NAME<<DELIMITER: '"
                        + shorten(line) + "'; " + HOW);
            }
            Integer earlier = writtenAt.put(name, number);
            if (earlier != null) {
                throw new Unreadable("output '" + name + "' is written twice to $OPSBOOK_OUTPUT (lines " + earlier + " and "
                        + number + "); write each output once, and " + HOW);
            }
            if (!Pattern.compile("(?<![A-Za-z0-9_-])" + Pattern.quote(name) + "(=|<<)").matcher(script).find()) {
                throw new Unreadable("line " + number + " of $OPSBOOK_OUTPUT writes output '" + name + "', which the script never writes ("
                        + name + "= or " + name + "<< is not in it): was it a line break inside a value? " + HOW);
            }
            if (!delimited) {
                outputs.put(name, line.substring(equals + 1));
                continue;
            }
            String delimiter = line.substring(heredoc + 2);
            if (delimiter.isEmpty()) {
                throw new Unreadable("line " + number + " of $OPSBOOK_OUTPUT starts output '" + name + "' with no delimiter after <<");
            }
            int end = lines.subList(i + 1, lines.size()).indexOf(delimiter);
            if (end < 0) {
                throw new Unreadable("output '" + name + "' starts on line " + number + " of $OPSBOOK_OUTPUT, but no line '"
                        + shorten(delimiter) + "' ends it");
            }
            outputs.put(name, String.join("\n", lines.subList(i + 1, i + 1 + end)));
            i += end + 1;
        }
        return outputs;
    }

    private static String shorten(String text) {
        return text.length() > 60 ? text.substring(0, 59) + "…" : text;
    }
}
