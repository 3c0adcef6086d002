package dev.opsbook.steps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Set;

/**
 * The body of a PagerDuty Events API v2 event (https://developer.pagerduty.com/docs/events-api-v2/): a {@code trigger}
 * carries a payload (summary, source, severity, custom details) and the run page as a link; {@code acknowledge} and
 * {@code resolve} carry the routing and dedup keys only.
 */
final class PagerDutyEvent {

    /** The fields of a message's details that say what it is about, lifted where a reader or a bot looks first. */
    static final List<String> FIELDS = List.of("kind", "runbook", "run", "step", "link");

    private static final Set<String> SEVERITIES = Set.of("critical", "error", "warning", "info");
    private static final int SUMMARY_LIMIT = 1024;
    private static final int DEDUP_LIMIT = 255;

    private PagerDutyEvent() {
    }

    /**
     * @param details its {@code runbook} is the payload's source ({@code opsbook} when absent), its {@code severity} (one of
     *                critical, error, warning, info) the payload's ({@code error} when absent), its {@code link} the run page
     */
    static ObjectNode body(String routingKey, Notifier.PagerAction action, String dedupKey, String summary, JsonNode details) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("routing_key", routingKey);
        body.put("event_action", action.eventAction());
        body.put("dedup_key", dedupKey.length() > DEDUP_LIMIT ? dedupKey.substring(0, DEDUP_LIMIT) : dedupKey);
        if (action != Notifier.PagerAction.TRIGGER) {
            return body;
        }
        JsonNode facts = details == null ? JsonNodeFactory.instance.objectNode() : details;
        ObjectNode payload = body.putObject("payload");
        payload.put("summary", summary.length() > SUMMARY_LIMIT ? summary.substring(0, SUMMARY_LIMIT - 1) + "…" : summary);
        payload.put("source", facts.path("runbook").asText("").isEmpty() ? "opsbook" : facts.path("runbook").asText());
        String severity = facts.path("severity").asText("");
        payload.put("severity", SEVERITIES.contains(severity) ? severity : "error");
        if (!facts.path("kind").asText("").isEmpty()) {
            payload.put("class", facts.path("kind").asText());
        }
        if (!facts.path("step").asText("").isEmpty()) {
            payload.put("component", facts.path("step").asText());
        }
        payload.set("custom_details", facts);
        body.put("client", "opsbook");
        String link = facts.path("link").asText("");
        if (!link.isEmpty()) {
            body.put("client_url", link);
            body.putArray("links").addObject().put("href", link).put("text", "the run in opsbook");
        }
        return body;
    }
}
