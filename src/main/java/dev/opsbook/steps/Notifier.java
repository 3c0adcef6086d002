package dev.opsbook.steps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.aws.AwsCall;
import dev.opsbook.aws.AwsInvoker;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Tells people: publishes to an SNS topic, posts JSON to a webhook (Slack, Teams, a chat bot), sends a PagerDuty Events API
 * v2 event, and/or emails through SES. Used by the {@code notify} step and by escalations. A channel that is down gives a
 * failure line, never an exception; a {@code {{ secret:... }}} webhook URL or routing key is read just before sending and
 * never appears in a failure line, a result or a call log.
 */
public final class Notifier {

    /**
     * @param sns       a topic ARN, or empty
     * @param webhook   an http(s) URL, or empty (may be a {@code {{ secret:STORE:ID }}} reference)
     * @param pagerduty a PagerDuty Events API v2 routing (integration) key, or empty (usually a secret reference)
     * @param email     addresses told through SES {@code SendEmail}
     */
    public record Target(Optional<String> sns, Optional<String> webhook, Optional<String> pagerduty, List<String> email) {
        public Target {
            email = List.copyOf(email);
        }

        public Target(Optional<String> sns, Optional<String> webhook) {
            this(sns, webhook, Optional.empty(), List.of());
        }

        public boolean isEmpty() {
            return sns.isEmpty() && webhook.isEmpty() && pagerduty.isEmpty() && email.isEmpty();
        }
    }

    /**
     * @param failures  one line per channel that could not be told (never a secret)
     * @param delivered each channel tried ({@code sns|webhook|pagerduty|email}): whether it was told
     */
    public record Sent(JsonNode result, List<String> failures, Map<String, Boolean> delivered) {
        public Sent {
            failures = List.copyOf(failures);
            delivered = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(delivered));
        }

        public Sent(JsonNode result, List<String> failures) {
            this(result, failures, Map.of());
        }
    }

    /** What a PagerDuty event does to the incident of its dedup key. */
    public enum PagerAction {
        TRIGGER, ACKNOWLEDGE, RESOLVE;

        /** The Events API v2 {@code event_action}. */
        public String eventAction() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * @param pagerDutyUrl the Events API v2 endpoint ({@code opsbook.pagerduty-url})
     * @param emailFrom    the SES source address ({@code opsbook.email-from}); email cannot be sent without it
     * @param timeout      how long a webhook or PagerDuty may take to answer before it counts as down
     */
    public record Settings(URI pagerDutyUrl, Optional<String> emailFrom, Duration timeout) {
        public static final URI PAGERDUTY_EVENTS = URI.create("https://events.pagerduty.com/v2/enqueue");
        public static final Settings DEFAULTS = new Settings(PAGERDUTY_EVENTS, Optional.empty(), Duration.ofSeconds(30));

        /** @param pagerDutyUrl empty for PagerDuty's own endpoint */
        public static Settings of(Optional<String> pagerDutyUrl, Optional<String> emailFrom) {
            return new Settings(pagerDutyUrl.map(URI::create).orElse(PAGERDUTY_EVENTS), emailFrom, DEFAULTS.timeout());
        }
    }

    private final AwsInvoker invoker;
    private final Settings settings;
    private final JsonPost http;

    public Notifier(AwsInvoker invoker) {
        this(invoker, Settings.DEFAULTS);
    }

    public Notifier(AwsInvoker invoker, Settings settings) {
        this.invoker = invoker;
        this.settings = settings;
        this.http = new JsonPost(settings.timeout());
    }

    public Sent send(Target target, String subject, String message, JsonNode details, String sessionName, Consumer<JsonNode> calls)
            throws InterruptedException {
        return send(target, subject, message, details, sessionName, Optional.empty(), calls);
    }

    /**
     * @param details what the message is about: {@code kind}, {@code runbook}, {@code run}, {@code step}, {@code link} (when
     *                given) are lifted into the webhook's body and PagerDuty's custom details
     * @param dedupId what tells this message from any other (one per step execution: a for-each's items differ), for an
     *                SNS FIFO topic ({@code .fifo}), which takes it as {@code MessageDeduplicationId} and needs a
     *                {@code MessageGroupId} (a standard topic refuses both, so it gets neither); and PagerDuty's
     *                {@code dedup_key} (the session name when empty)
     */
    public Sent send(Target target, String subject, String message, JsonNode details, String sessionName, Optional<String> dedupId,
                     Consumer<JsonNode> calls) throws InterruptedException {
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        List<String> failures = new ArrayList<>();
        Map<String, Boolean> delivered = new LinkedHashMap<>();
        NotifierSecrets secrets = new NotifierSecrets(invoker, sessionName, calls);
        if (target.sns().isPresent()) {
            AwsInvoker.Outcome outcome = invoker.invoke(new AwsCall("sns", "Publish", snsInput(target.sns().get(), subject, message, dedupId),
                    Optional.ofNullable(region(target.sns().get())), Optional.empty(), false), sessionName);
            calls.accept(outcome.log());
            tell("sns", outcome.result(), outcome.ok() ? Optional.empty() : Optional.of(outcome.message()), result, failures, delivered);
        }
        if (target.webhook().isPresent()) {
            Optional<String> url = secrets.resolve("webhook", target.webhook().get(), failures);
            if (url.isEmpty()) {
                delivered.put("webhook", false);
            } else {
                JsonPost.Answer answer = http.post(url.get(), "webhook " + JsonPost.site(url.get()), webhookBody(subject, message, details));
                tell("webhook", answer.result(), answer.failure(), result, failures, delivered);
            }
        }
        if (target.pagerduty().isPresent()) {
            Optional<String> key = secrets.resolve("pagerduty", target.pagerduty().get(), failures);
            if (key.isEmpty()) {
                delivered.put("pagerduty", false);
            } else {
                String dedup = dedupId.orElse(sessionName);
                JsonPost.Answer answer = pagerDutyPost(key.get(), PagerAction.TRIGGER, dedup, subject, details);
                tell("pagerduty", answer.result(), answer.failure(), result, failures, delivered);
            }
        }
        if (!target.email().isEmpty()) {
            SesEmail.Answer answer = new SesEmail(invoker, settings.emailFrom()).send(target.email(), subject, message, details, sessionName, calls);
            tell("email", answer.result(), answer.failure(), result, failures, delivered);
        }
        return new Sent(result, secrets.masked(failures), delivered);
    }

    /**
     * Sends one PagerDuty Events API v2 event: {@code TRIGGER} opens (or adds to) the incident of {@code dedupKey},
     * {@code ACKNOWLEDGE} and {@code RESOLVE} act on it. The routing key may be a secret reference; it is read now and
     * never shown.
     */
    public Sent pagerDuty(String routingKey, PagerAction action, String dedupKey, String summary, JsonNode details)
            throws InterruptedException {
        return pagerDuty(routingKey, action, dedupKey, summary, details, call -> { });
    }

    /** @param calls hears the secret store reads the routing key needed (what an audit trail keeps of them, never the value) */
    public Sent pagerDuty(String routingKey, PagerAction action, String dedupKey, String summary, JsonNode details,
                          Consumer<JsonNode> calls) throws InterruptedException {
        List<String> failures = new ArrayList<>();
        Map<String, Boolean> delivered = new LinkedHashMap<>();
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        NotifierSecrets secrets = new NotifierSecrets(invoker, "opsbook-pagerduty", calls);
        Optional<String> key = secrets.resolve("pagerduty", routingKey, failures);
        if (key.isEmpty()) {
            delivered.put("pagerduty", false);
        } else {
            JsonPost.Answer answer = pagerDutyPost(key.get(), action, dedupKey, summary, details);
            tell("pagerduty", answer.result(), answer.failure(), result, failures, delivered);
        }
        return new Sent(result, secrets.masked(failures), delivered);
    }

    private JsonPost.Answer pagerDutyPost(String key, PagerAction action, String dedupKey, String summary, JsonNode details)
            throws InterruptedException {
        return http.post(settings.pagerDutyUrl().toString(), "pagerduty " + action.eventAction(),
                PagerDutyEvent.body(key, action, dedupKey, summary, details));
    }

    private static void tell(String channel, JsonNode answer, Optional<String> failure, ObjectNode result, List<String> failures,
                             Map<String, Boolean> delivered) {
        result.set(channel, answer);
        failure.ifPresent(failures::add);
        delivered.put(channel, failure.isEmpty());
    }

    private static ObjectNode snsInput(String topic, String subject, String message, Optional<String> dedupId) {
        ObjectNode input = JsonNodeFactory.instance.objectNode();
        input.put("TopicArn", topic);
        input.put("Subject", subject.length() > 100 ? subject.substring(0, 99) + "…" : subject);
        input.put("Message", message);
        if (topic.endsWith(".fifo")) {
            input.put("MessageGroupId", "opsbook");
            dedupId.ifPresent(id -> input.put("MessageDeduplicationId", id));
        }
        return input;
    }

    private static String region(String topic) {
        String[] parts = topic.split(":");
        return parts.length > 3 && !parts[3].isEmpty() ? parts[3] : null;
    }

    /** Slack-compatible ({@code text}), plus the structured fields a bot reads; {@code subject}/{@code message}/{@code details} as ever. */
    static ObjectNode webhookBody(String subject, String message, JsonNode details) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        String link = details == null ? "" : details.path("link").asText("");
        body.put("text", subject + "\n" + message + (link.isEmpty() ? "" : "\n" + link));
        for (String field : PagerDutyEvent.FIELDS) {
            if (details != null && details.path(field).isValueNode() && !details.path(field).asText("").isEmpty()) {
                body.put(field, details.path(field).asText());
            }
        }
        body.put("subject", subject);
        body.put("message", message);
        body.set("details", details);
        return body;
    }
}
