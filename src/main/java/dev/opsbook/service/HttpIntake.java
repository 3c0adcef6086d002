package dev.opsbook.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.Executors;

/**
 * The service's HTTP side: events in (one or a batch, as an EventBridge API destination sends
 * them), answers to waiting runs, health. Errors are RFC 9457 problem documents.
 *
 * //why: the JDK's server, started only by serve: a Quarkus HTTP layer would start with every
 * CLI command and cost each of them most of a second.
 */
public final class HttpIntake implements AutoCloseable {

    /** What the service does with what arrives over HTTP. */
    public interface Handlers {
        /** One event's body; returns what became of it. */
        ObjectNode event(String body);

        /** @throws Approvals.Refused with the reason an answer cannot be given */
        void answer(String runId, String stepId, boolean confirmed, String by, String comment) throws Approvals.Refused;

        Optional<String> record(String runId);

        /** Readiness when {@code ready}, else liveness. */
        dev.opsbook.metrics.Health.Answer health(boolean ready);

        /** Prometheus' text format. */
        String metrics();

        JsonNode runs();
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;

    private HttpIntake(HttpServer server) {
        this.server = server;
    }

    public static HttpIntake start(String host, int port, Handlers handlers) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 64);
        server.setExecutor(Executors.newFixedThreadPool(4, r -> {
            Thread thread = new Thread(r, "opsbook-http");
            thread.setDaemon(true);
            return thread;
        }));
        server.createContext("/", exchange -> {
            try {
                route(exchange, handlers);
            } catch (RuntimeException e) {
                problem(exchange, 500, "internal error", e.toString());
            } finally {
                exchange.close();
            }
        });
        server.start();
        return new HttpIntake(server);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void route(HttpExchange exchange, Handlers handlers) throws IOException {
        String method = exchange.getRequestMethod();
        String[] path = exchange.getRequestURI().getPath().replaceAll("^/+|/+$", "").split("/");
        if (method.equals("GET") && path.length == 1 && path[0].equals("health")) {
            send(exchange, 200, "application/json", "{\"status\":\"UP\"}");
        } else if (method.equals("GET") && path.length >= 2 && path[0].equals("q") && path[1].equals("health")) {
            // /q/health and /q/health/ready ask the dependencies; /q/health/live only that the process answers
            var answer = handlers.health(!(path.length == 3 && path[2].equals("live")));
            send(exchange, answer.status(), "application/json", answer.body().toString());
        } else if (method.equals("GET") && path.length == 2 && path[0].equals("q") && path[1].equals("metrics")) {
            send(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", handlers.metrics());
        } else if (method.equals("POST") && path.length == 1 && path[0].equals("events")) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            JsonNode parsed;
            try {
                parsed = JSON.readTree(body);
            } catch (IOException e) {
                parsed = null;
            }
            if (parsed != null && parsed.isArray()) {
                ArrayNode outcomes = JsonNodeFactory.instance.arrayNode();
                for (JsonNode event : parsed) {
                    outcomes.add(handlers.event(event.toString()));
                }
                send(exchange, 200, "application/json", outcomes.toString());
            } else {
                send(exchange, 200, "application/json", handlers.event(body).toString());
            }
        } else if (method.equals("POST") && path.length == 5 && path[0].equals("runs") && path[2].equals("steps")
                && (path[4].equals("approve") || path[4].equals("reject"))) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            JsonNode request = body.isBlank() ? JsonNodeFactory.instance.objectNode() : JSON.readTree(body);
            String by = request.path("by").asText(Optional.ofNullable(exchange.getRequestHeaders().getFirst("X-Opsbook-User")).orElse("http"));
            try {
                handlers.answer(path[1], path[3], path[4].equals("approve"), by, request.path("comment").asText(""));
                send(exchange, 200, "application/json", JsonNodeFactory.instance.objectNode()
                        .put("run", path[1]).put("step", path[3]).put("answer", path[4]).put("by", by).toString());
            } catch (Approvals.Refused e) {
                problem(exchange, 409, "cannot answer", e.getMessage());
            }
        } else if (method.equals("GET") && path.length == 1 && path[0].equals("runs")) {
            send(exchange, 200, "application/json", handlers.runs().toString());
        } else if (method.equals("GET") && path.length == 2 && path[0].equals("runs")) {
            Optional<String> record = handlers.record(path[1]);
            if (record.isPresent()) {
                send(exchange, 200, "text/markdown; charset=utf-8", record.get());
            } else {
                problem(exchange, 404, "no such run", "no run " + path[1]);
            }
        } else {
            problem(exchange, 404, "not found", method + " " + exchange.getRequestURI().getPath()
                    + " is not served; try POST /events, GET /runs, GET /runs/{id}, POST /runs/{id}/steps/{step}/approve|reject");
        }
    }

    private static void problem(HttpExchange exchange, int status, String title, String detail) throws IOException {
        ObjectNode problem = JsonNodeFactory.instance.objectNode();
        problem.put("type", "about:blank");
        problem.put("title", title);
        problem.put("status", status);
        problem.put("detail", detail);
        send(exchange, status, "application/problem+json", problem.toString());
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(1);
    }
}
