package dev.opsbook.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

    /** @param dispatch one event's body to the report of what became of it */
    public static void addTo(Router router, Function<String, ObjectNode> dispatch) {
        router.post("/events", Access.role(Role.OPERATOR), request -> {
            String body = request.bodyText();
            JsonNode parsed;
            try {
                parsed = JSON.readTree(body);
            } catch (IOException e) {
                parsed = null;
            }
            if (parsed != null && parsed.isArray()) {
                ArrayNode outcomes = JsonNodeFactory.instance.arrayNode();
                for (JsonNode event : parsed) {
                    outcomes.add(dispatch.apply(event.toString()));
                }
                return Response.ok(outcomes);
            }
            return Response.ok(dispatch.apply(body));
        });
    }
}
