package dev.opsbook.steps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.engine.StepCall;
import dev.opsbook.engine.StepExecutor;
import dev.opsbook.engine.StepOutcome;
import dev.opsbook.runbook.StepKindSpec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code http}: one HTTP request. The result holds {@code status}, {@code headers} and
 * {@code body} (parsed when it is JSON). A status outside {@code expect} (2xx by default) fails.
 */
public final class HttpStep implements StepExecutor {

    static final int BODY_CAP = 1024 * 1024;

    // //why: built on first use: a client starts threads, and validate or --help never send a request.
    private volatile HttpClient client;

    private HttpClient client() {
        if (client == null) {
            synchronized (this) {
                if (client == null) {
                    client = HttpClient.newBuilder()
                            .connectTimeout(Duration.ofSeconds(10))
                            .followRedirects(HttpClient.Redirect.NORMAL)
                            .build();
                }
            }
        }
        return client;
    }

    @Override
    public StepKindSpec spec() {
        return StepKindSpec.yaml("http", Set.of("url"), Set.of("method", "headers", "body", "expect"));
    }

    @Override
    public StepOutcome execute(StepCall call) throws InterruptedException {
        JsonNode input = call.input();
        String url = input.path("url").asText();
        String method = input.path("method").asText("GET").toUpperCase(java.util.Locale.ROOT);
        HttpRequest.Builder request;
        try {
            request = HttpRequest.newBuilder(URI.create(url));
        } catch (IllegalArgumentException e) {
            return new StepOutcome.Failed("url '" + url + "' is not a valid URL: " + e.getMessage(), null);
        }
        JsonNode headers = input.path("headers");
        boolean hasContentType = false;
        for (Map.Entry<String, JsonNode> header : (Iterable<Map.Entry<String, JsonNode>>) headers::fields) {
            request.header(header.getKey(), header.getValue().asText());
            hasContentType |= header.getKey().equalsIgnoreCase("content-type");
        }
        JsonNode body = input.get("body");
        HttpRequest.BodyPublisher publisher = HttpRequest.BodyPublishers.noBody();
        if (body != null && !body.isNull()) {
            if (body.isContainerNode()) {
                publisher = HttpRequest.BodyPublishers.ofString(body.toString());
                if (!hasContentType) {
                    request.header("Content-Type", "application/json");
                }
            } else {
                publisher = HttpRequest.BodyPublishers.ofString(body.asText());
            }
        }
        request.method(method, publisher);
        HttpResponse<byte[]> response;
        try {
            response = client().send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            return new StepOutcome.Failed(method + " " + url + " failed: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), null);
        }
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        result.put("status", response.statusCode());
        ObjectNode responseHeaders = result.putObject("headers");
        response.headers().map().forEach((name, values) -> responseHeaders.put(name.toLowerCase(java.util.Locale.ROOT), String.join(", ", values)));
        byte[] bytes = response.body();
        String text = new String(bytes, 0, Math.min(bytes.length, BODY_CAP), StandardCharsets.UTF_8);
        if (bytes.length > BODY_CAP) {
            text = text + "\n[opsbook: body truncated, " + (bytes.length - BODY_CAP) + " more bytes not kept]";
        }
        JsonNode json = ShellStep.parseJson(text);
        if (json != null) {
            result.set("body", json);
        } else {
            result.put("body", text);
        }
        if (!expected(input.get("expect"), response.statusCode())) {
            return new StepOutcome.Failed(method + " " + url + " answered " + response.statusCode()
                    + ", expected " + (input.has("expect") ? input.get("expect").toString() : "2xx"), result);
        }
        return new StepOutcome.Succeeded(result);
    }

    /** Whether a response's status is what the step's {@code expect} allows (2xx when it says nothing). */
    public static boolean expected(JsonNode expect, int status) {
        if (expect == null || expect.isNull()) {
            return status >= 200 && status < 300;
        }
        List<JsonNode> allowed = new ArrayList<>();
        if (expect.isArray()) {
            expect.forEach(allowed::add);
        } else {
            allowed.add(expect);
        }
        for (JsonNode value : allowed) {
            String text = value.asText().toLowerCase(java.util.Locale.ROOT);
            if (text.matches("[1-5]xx") && status / 100 == text.charAt(0) - '0') {
                return true;
            }
            if (text.equals(Integer.toString(status))) {
                return true;
            }
        }
        return false;
    }
}
