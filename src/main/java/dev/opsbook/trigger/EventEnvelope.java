package dev.opsbook.trigger;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.opsbook.expression.JsonKinds;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * An EventBridge event as a rule delivers it (to SQS, say): the envelope fields, typed, and the
 * whole event as received, which patterns and parameter mappings read.
 *
 * @param detailType the {@code detail-type} field
 * @param raw the event exactly as received: what patterns match and mappings read
 */
public record EventEnvelope(String id, String source, String detailType, Instant time, String account, String region,
                            List<String> resources, ObjectNode detail, ObjectNode raw) implements ParsedEvent {

    /** A body that is not an EventBridge event; {@code reason} names the field at fault. */
    public record Rejection(String reason) implements ParsedEvent {
    }

    /**
     * The fields every event has. EventBridge's TestEventPattern requires the same ones but
     * {@code detail}, which every event a rule delivers carries, {@code {}} at least.
     */
    static final List<String> REQUIRED = List.of("id", "detail-type", "source", "account", "time", "region", "resources", "detail");

    private static final ObjectMapper JSON = new ObjectMapper();

    public EventEnvelope {
        resources = List.copyOf(resources);
    }

    /** Reads a message body. Never throws: a body that is not an event gives a {@link Rejection}. */
    public static ParsedEvent parse(String body) {
        if (body == null || body.isBlank()) {
            return new Rejection("empty: an EventBridge event is a JSON object");
        }
        JsonNode tree;
        try (JsonParser parser = JSON.getFactory().createParser(body)) {
            tree = JSON.readTree(parser);
            if (parser.nextToken() != null) {
                JsonLocation at = parser.currentTokenLocation();
                return new Rejection("not JSON: more text after the end of the JSON value at line " + at.getLineNr()
                        + " column " + at.getColumnNr());
            }
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            return new Rejection("not JSON: " + e.getOriginalMessage()
                    + (at == null ? "" : " at line " + at.getLineNr() + " column " + at.getColumnNr()));
        } catch (IOException e) {
            return new Rejection("not JSON: " + e.getMessage());
        }
        if (!tree.isObject()) {
            return new Rejection("not an EventBridge event: the JSON is " + JsonKinds.of(tree) + ", not an object");
        }
        return of((ObjectNode) tree);
    }

    /** Checks an event already read as JSON. */
    public static ParsedEvent of(ObjectNode event) {
        List<String> missing = new ArrayList<>();
        for (String field : REQUIRED) {
            JsonNode value = event.get(field);
            if (value == null || value.isNull()) {
                missing.add(field);
            }
        }
        if (missing.size() == 1) {
            return new Rejection("field '" + missing.get(0) + "' is missing" + hint(event, missing));
        }
        if (!missing.isEmpty()) {
            return new Rejection("fields " + String.join(", ", missing.stream().map(f -> "'" + f + "'").toList())
                    + " are missing" + hint(event, missing));
        }
        for (String field : List.of("id", "detail-type", "source", "account", "time", "region")) {
            if (!event.get(field).isTextual()) {
                return new Rejection("field '" + field + "' must be a string, not " + JsonKinds.of(event.get(field)));
            }
        }
        Instant time;
        try {
            time = OffsetDateTime.parse(event.get("time").textValue()).toInstant();
        } catch (DateTimeParseException e) {
            return new Rejection("field 'time' must be a timestamp such as 2019-10-02T17:04:40Z, not '"
                    + event.get("time").textValue() + "'");
        }
        JsonNode resourcesNode = event.get("resources");
        if (!resourcesNode.isArray()) {
            return new Rejection("field 'resources' must be a list of ARNs, not " + JsonKinds.of(resourcesNode));
        }
        List<String> resources = new ArrayList<>();
        for (int i = 0; i < resourcesNode.size(); i++) {
            if (!resourcesNode.get(i).isTextual()) {
                return new Rejection("field 'resources' must be a list of ARNs, but item " + (i + 1) + " is " + JsonKinds.of(resourcesNode.get(i)));
            }
            resources.add(resourcesNode.get(i).textValue());
        }
        JsonNode detail = event.get("detail");
        if (!detail.isObject()) {
            return new Rejection("field 'detail' must be an object, not " + JsonKinds.of(detail));
        }
        return new EventEnvelope(text(event, "id"), text(event, "source"), text(event, "detail-type"), time,
                text(event, "account"), text(event, "region"), resources, (ObjectNode) detail, event);
    }

    /** One line for people: "aws.ec2 / EC2 Instance State-change Notification, id ..., 123456789012 in us-east-1 at ...". */
    public String summary() {
        return source + " / " + detailType + " (id " + id + ", account " + account + ", " + region + ", " + time + ")";
    }

    private static String hint(ObjectNode event, List<String> missing) {
        if (!missing.contains("source") || !missing.contains("detail-type")) {
            return "";
        }
        if (event.has("Records")) {
            return "; this looks like an S3, SQS or SNS notification (Records), not an EventBridge event";
        }
        if (event.has("Message") && event.has("TopicArn")) {
            return "; this looks like an SNS message: the EventBridge event is the text of its Message";
        }
        if (event.has("eventTypeCode") || event.has("eventArn")) {
            return "; this looks like the detail of an AWS Health event: EventBridge delivers it as detail"
                    + " of an event with source aws.health";
        }
        return "; an EventBridge event has " + String.join(", ", REQUIRED);
    }

    private static String text(JsonNode event, String field) {
        return event.get(field).textValue();
    }
}
