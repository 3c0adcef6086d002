package dev.opsbook.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The few calls the CLI makes to a running {@code opsbook serve}'s API, with an operator's or viewer's token. */
final class ServeClient {

    /** An answer that was not the one hoped for: the problem's detail, in one line. */
    static final class Refused extends Exception {
        final int status;

        Refused(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String url;
    private final String token;

    ServeClient(String url, String token) {
        this.url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.token = token;
    }

    String url() {
        return url;
    }

    JsonNode post(String path, JsonNode body) throws Refused, InterruptedException {
        return json(send(HttpRequest.newBuilder(URI.create(url + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())), "application/json"));
    }

    JsonNode get(String path) throws Refused, InterruptedException {
        return json(send(HttpRequest.newBuilder(URI.create(url + path)).GET(), "application/json"));
    }

    String text(String path, String accept) throws Refused, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(url + path)).GET(), accept);
    }

    private JsonNode json(String body) throws Refused {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new Refused(200, "opsbook serve at " + url + " answered no JSON: " + e.getMessage());
        }
    }

    private String send(HttpRequest.Builder request, String accept) throws Refused, InterruptedException {
        HttpResponse<String> response;
        try {
            response = http.send(request.header("Authorization", "Bearer " + token).header("Accept", accept)
                    .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException | IllegalArgumentException e) {
            throw new Refused(0, "cannot reach opsbook serve at " + url + ": " + e.getMessage());
        }
        if (response.statusCode() / 100 != 2) {
            String detail = response.body();
            try {
                JsonNode problem = JSON.readTree(response.body());
                detail = problem.path("detail").asText(detail);
                if (problem.has("problems")) {
                    detail = String.join("; ", JSON.convertValue(problem.get("problems"), String[].class));
                }
            } catch (IOException e) {
                // not a problem document: its text says it
            }
            throw new Refused(response.statusCode(), response.statusCode() + " from " + url + ": " + detail);
        }
        return response.body();
    }
}
