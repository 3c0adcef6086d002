package dev.opsbook.steps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.aws.AwsApi;
import dev.opsbook.aws.AwsCall;
import dev.opsbook.aws.AwsInvoker;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Tells people: publishes to an SNS topic and/or posts JSON to a webhook (Slack, Teams, a pager's
 * inbound URL). Used by the {@code notify} step and by escalations when a limit stops a run.
 */
public final class Notifier {

    /** @param sns a topic ARN, or empty; @param webhook an http(s) URL, or empty */
    public record Target(Optional<String> sns, Optional<String> webhook) {
    }

    /** @param failures one line per target that could not be told */
    public record Sent(JsonNode result, List<String> failures) {
    }

    private final AwsApi invoker;
    private volatile HttpClient http;

    public Notifier(AwsApi invoker) {
        this.invoker = invoker;
    }

    public Sent send(Target target, String subject, String message, JsonNode details, String sessionName, Consumer<JsonNode> calls)
            throws InterruptedException {
        return send(target, subject, message, details, sessionName, Optional.empty(), calls);
    }

    /**
     * @param dedupId what tells this message from any other (one per step execution: a for-each's items differ), for an
     *                SNS FIFO topic ({@code .fifo}), which takes it as {@code MessageDeduplicationId} and needs a
     *                {@code MessageGroupId}; a standard topic refuses both, so it gets neither
     */
    public Sent send(Target target, String subject, String message, JsonNode details, String sessionName, Optional<String> dedupId,
                     Consumer<JsonNode> calls) throws InterruptedException {
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        List<String> failures = new ArrayList<>();
        if (target.sns().isPresent()) {
            ObjectNode input = JsonNodeFactory.instance.objectNode();
            input.put("TopicArn", target.sns().get());
            input.put("Subject", subject.length() > 100 ? subject.substring(0, 99) + "…" : subject);
            input.put("Message", message);
            if (target.sns().get().endsWith(".fifo")) {
                input.put("MessageGroupId", "opsbook");
                dedupId.ifPresent(id -> input.put("MessageDeduplicationId", id));
            }
            String region = target.sns().get().split(":").length > 3 ? target.sns().get().split(":")[3] : null;
            AwsInvoker.Outcome outcome = invoker.invoke(new AwsCall("sns", "Publish", input, Optional.ofNullable(region), Optional.empty(), false),
                    sessionName);
            calls.accept(outcome.log());
            result.set("sns", outcome.result());
            if (!outcome.ok()) {
                failures.add(outcome.message());
            }
        }
        if (target.webhook().isPresent()) {
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            body.put("text", subject + "\n" + message);
            body.put("subject", subject);
            body.put("message", message);
            body.set("details", details);
            try {
                HttpResponse<String> response = client().send(HttpRequest.newBuilder(URI.create(target.webhook().get()))
                        .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
                result.putObject("webhook").put("status", response.statusCode());
                if (response.statusCode() / 100 != 2) {
                    failures.add("webhook " + target.webhook().get() + " answered " + response.statusCode());
                }
            } catch (IOException | IllegalArgumentException e) {
                failures.add("webhook " + target.webhook().get() + " failed: " + e.getMessage());
            }
        }
        return new Sent(result, failures);
    }

    private HttpClient client() {
        if (http == null) {
            synchronized (this) {
                if (http == null) {
                    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
                }
            }
        }
        return http;
    }
}
