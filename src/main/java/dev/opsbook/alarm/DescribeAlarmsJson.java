package dev.opsbook.alarm;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.opsbook.expression.JsonKinds;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON {@code aws cloudwatch describe-alarms} prints ({@code MetricAlarms}, {@code CompositeAlarms}), which is also
 * what {@link CloudWatchAlarms} makes of the SDK's pages, read as {@link Alarm}s. An alarm may carry {@code Tags} as
 * {@code aws cloudwatch list-tags-for-resource} prints them ({@code [{"Key": ..., "Value": ...}]}).
 */
public final class DescribeAlarmsJson implements AlarmSource {

    static final String EXPECTED = "expected the JSON `aws cloudwatch describe-alarms` prints: an object with MetricAlarms"
            + " and/or CompositeAlarms lists";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;

    /** The alarms of a file. */
    public DescribeAlarmsJson(Path file) {
        this.file = file;
    }

    @Override
    public Alarms read() throws AlarmReadException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AlarmReadException(file + ": error: cannot read the alarm file: " + e.getMessage(), e);
        }
        return new Alarms(file.toString(), alarms(parse(text, file.toString()), file.toString()), List.of());
    }

    private static JsonNode parse(String text, String where) throws AlarmReadException {
        try (JsonParser parser = JSON.getFactory().createParser(text)) {
            JsonNode tree = JSON.readTree(parser);
            if (tree == null) {
                throw new AlarmReadException(where + ": error: the file is empty; " + EXPECTED);
            }
            if (parser.nextToken() != null) {
                JsonLocation at = parser.currentTokenLocation();
                throw new AlarmReadException(where + ":" + at.getLineNr() + ":" + at.getColumnNr()
                        + ": error: more text after the end of the JSON value; " + EXPECTED);
            }
            return tree;
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new AlarmReadException(where + (at == null ? "" : ":" + at.getLineNr() + ":" + at.getColumnNr())
                    + ": error: not JSON (" + e.getOriginalMessage().lines().findFirst().orElse("") + "); " + EXPECTED, e);
        } catch (IOException e) {
            throw new AlarmReadException(where + ": error: cannot read the alarm file: " + e.getMessage(), e);
        }
    }

    /**
     * The alarms of a {@code describe-alarms} document.
     *
     * @param where how errors name the document
     */
    public static List<Alarm> alarms(JsonNode document, String where) throws AlarmReadException {
        if (!document.isObject() || !(document.has("MetricAlarms") || document.has("CompositeAlarms"))) {
            String found = document.isObject() ? "an object with " + (document.isEmpty() ? "no members"
                    : "members " + String.join(", ", iterable(document.fieldNames()))) : JsonKinds.of(document);
            throw new AlarmReadException(where + ": error: not describe-alarms JSON: found " + found + "; " + EXPECTED);
        }
        List<Alarm> alarms = new ArrayList<>();
        read(document, "MetricAlarms", false, where, alarms);
        read(document, "CompositeAlarms", true, where, alarms);
        return alarms;
    }

    private static void read(JsonNode document, String list, boolean composite, String where, List<Alarm> into)
            throws AlarmReadException {
        JsonNode items = document.path(list);
        if (items.isMissingNode() || items.isNull()) {
            return;
        }
        if (!items.isArray()) {
            throw new AlarmReadException(where + ": error: " + list + " must be a list of alarms, not " + JsonKinds.of(items) + "; " + EXPECTED);
        }
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            String at = list + "[" + i + "]";
            if (!item.isObject()) {
                throw new AlarmReadException(where + ": error: " + at + " must be an alarm (an object), not " + JsonKinds.of(item));
            }
            String name = Alarm.text(item, "AlarmName").orElseThrow(() -> new AlarmReadException(where + ": error: " + at
                    + " has no AlarmName; each alarm of describe-alarms has AlarmName and AlarmArn"));
            String arn = Alarm.text(item, "AlarmArn").orElseThrow(() -> new AlarmReadException(where + ": error: " + at
                    + " (" + name + ") has no AlarmArn; each alarm of describe-alarms has AlarmName and AlarmArn"));
            if (composite && !item.hasNonNull("AlarmRule")) {
                throw new AlarmReadException(where + ": error: " + at + " (" + name + ") has no AlarmRule; a composite alarm has one");
            }
            into.add(new Alarm(name, arn, composite, (ObjectNode) item, tags(item.path("Tags"), where, at)));
        }
    }

    private static Map<String, String> tags(JsonNode tags, String where, String at) throws AlarmReadException {
        Map<String, String> map = new LinkedHashMap<>();
        if (tags.isMissingNode() || tags.isNull()) {
            return map;
        }
        if (!tags.isArray()) {
            throw new AlarmReadException(where + ": error: " + at + ".Tags must be a list of {Key, Value}, as list-tags-for-resource"
                    + " prints, not " + JsonKinds.of(tags));
        }
        for (JsonNode tag : tags) {
            if (!tag.path("Key").isTextual()) {
                throw new AlarmReadException(where + ": error: " + at + ".Tags has an entry without a Key: " + tag);
            }
            map.put(tag.path("Key").asText(), tag.path("Value").asText(""));
        }
        return map;
    }

    private static List<String> iterable(java.util.Iterator<String> names) {
        List<String> list = new ArrayList<>();
        names.forEachRemaining(list::add);
        return list.size() > 5 ? List.of(String.join(", ", list.subList(0, 5)) + ", ...") : list;
    }
}
