package dev.opsbook.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.opsbook.access.Role;
import dev.opsbook.http.Access;
import dev.opsbook.http.Response;
import dev.opsbook.http.Router;
import java.io.IOException;
import java.util.function.Function;

/**
 * Events over HTTP: {@code POST /events}, one EventBridge event or a batch (as an API destination
 * sends them), for holders of an operator token. Each event goes through the same dispatcher as
 * the queue's; the answer says what became of each.
 */
public final class HttpIntake {

    private static final ObjectMapper JSON = new ObjectMapper();

    private HttpIntake() {
    }

    /**
     * @param dispatch one event's body to what became of it
     *
     * //why: an event that was not settled (its concurrency key busy, this instance full, another instance starting its
     * runs, the store away) answers 503 with Retry-After, never 200: an EventBridge API destination retries only on
     * errors, so a 200 would have dropped it. A batch answers 503 when any of its events must come again; those that were
     * settled are recognised by their ids when it does.
     */
    public static void addTo(Router router, Function<String, Dispatcher.Outcome> dispatch) {
        router.post("/events", Access.role(Role.OPERATOR), request -> {
            String body = request.bodyText();
            JsonNode parsed;
            try {
                parsed = JSON.readTree(body);
            } catch (IOException e) {
                parsed = null;
            }
            boolean later = false;
            JsonNode answer;
            if (parsed != null && parsed.isArray()) {
                ArrayNode outcomes = JsonNodeFactory.instance.arrayNode();
                for (JsonNode event : parsed) {
                    Dispatcher.Outcome outcome = dispatch.apply(event.toString());
                    later |= outcome.verdict() == SqsIntake.Verdict.LATER;
                    outcomes.add(outcome.report());
                }
                answer = outcomes;
            } else {
                Dispatcher.Outcome outcome = dispatch.apply(body);
                later = outcome.verdict() == SqsIntake.Verdict.LATER;
                answer = outcome.report();
            }
            return later ? Response.json(503, answer).with("Retry-After", "2") : Response.ok(answer);
        });
    }
}
