package dev.opsbook.store;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * The CloudWatch alarm a run's triggering event is a state change of, as the {@code runs.alarm} column keeps it: the
 * alarm's ARN (the event's one resource), or its name when the event names no resource. Runs started by one alarm within
 * a window belong to one incident; the column lets the store find them without reading every run's events.
 */
public final class StartedAlarm {

    /** The {@code detail-type} of the events CloudWatch sends to EventBridge when an alarm changes state. */
    public static final String DETAIL_TYPE = "CloudWatch Alarm State Change";

    private StartedAlarm() {
    }

    /** The alarm of an event, empty when it is no CloudWatch alarm's state change (or there is no event). */
    public static Optional<String> of(JsonNode event) {
        if (event == null || !event.isObject() || !DETAIL_TYPE.equals(event.path("detail-type").asText())) {
            return Optional.empty();
        }
        JsonNode resources = event.path("resources");
        if (resources.isArray() && !resources.isEmpty() && resources.get(0).isTextual() && !resources.get(0).asText().isBlank()) {
            return Optional.of(resources.get(0).asText());
        }
        String name = event.path("detail").path("alarmName").asText("");
        return name.isBlank() ? Optional.empty() : Optional.of(name);
    }

    /** What people call the alarm: the name at the end of its ARN ({@code arn:aws:cloudwatch:...:alarm:NAME}), or the key itself. */
    public static String name(String alarm) {
        int at = alarm.indexOf(":alarm:");
        return at >= 0 ? alarm.substring(at + ":alarm:".length()) : alarm;
    }
}
