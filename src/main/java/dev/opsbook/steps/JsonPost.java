package dev.opsbook.steps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Optional;

/**
 * Posts a JSON body to a webhook or PagerDuty and says what came back, as a result and at most one failure line. The
 * failure line names the site only ({@link #site}): a webhook's path is often its secret (Slack's is).
 */
final class JsonPost {

    /** @param result {@code status} and, when the answer is JSON, what it said; @param failure empty when delivered (2xx) */
    record Answer(JsonNode result, Optional<String> failure) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Duration timeout;
    private volatile HttpClient http;

    JsonPost(Duration timeout) {
        this.timeout = timeout;
    }

    /** @param what how the failure line names the target, e.g. {@code webhook https://hooks.slack.com} */
    Answer post(String url, String what, JsonNode body) throws InterruptedException {
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        try {
            HttpResponse<String> response = client().send(HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
            result.put("status", response.statusCode());
            Optional<JsonNode> answer = json(response.body());
            answer.ifPresent(a -> result.set("answer", a));
            if (response.statusCode() / 100 != 2) {
                String said = answer.map(a -> a.path("message").asText("")).filter(s -> !s.isEmpty()).map(s -> ": " + s).orElse("");
                return new Answer(result, Optional.of(what + " answered " + response.statusCode() + said));
            }
            return new Answer(result, Optional.empty());
        } catch (HttpTimeoutException e) {
            return new Answer(result, Optional.of(what + " did not answer within "
                    + (timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + " s" : timeout.toMillis() + " ms")));
        } catch (IOException | IllegalArgumentException e) {
            return new Answer(result, Optional.of(what + " failed: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())));
        }
    }

    /** {@code https://hooks.slack.com}: the scheme and host of a URL, without the path or query that may be its secret. */
    static String site(String url) {
        try {
            URI uri = URI.create(url);
            return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
        } catch (IllegalArgumentException e) {
            return "(a URL that is not one)";
        }
    }

    private static Optional<JsonNode> json(String body) {
        try {
            JsonNode node = body == null || body.isBlank() ? null : JSON.readTree(body);
            return Optional.ofNullable(node).filter(JsonNode::isObject);
        } catch (IOException e) {
            return Optional.empty();
        }
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
