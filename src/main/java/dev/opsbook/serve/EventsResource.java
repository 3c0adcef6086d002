package dev.opsbook.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.opsbook.service.Dispatcher;
import dev.opsbook.service.EventIntake;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * Events over HTTP: {@code POST /events}, one EventBridge event or a batch (as an API destination
 * sends them), for holders of an operator token. Each event goes to the same {@link EventIntake}
 * as the channel's; the answer says what became of each.
 *
 * //why: an event that was not settled (its concurrency key busy, this instance full, another instance starting its
 * runs, the store away) answers 503 with Retry-After, never 200: an EventBridge API destination retries only on
 * errors, so a 200 would have dropped it. A batch answers 503 when any of its events must come again; those that were
 * settled are recognised by their ids when it does.
 */
@Path("/events")
public class EventsResource {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    Serving serving;

    @POST
    @RolesAllowed(Roles.OPERATOR)
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Response post(String body) throws JsonProcessingException {
        EventIntake intake = serving.get().intake();
        String text = body == null ? "" : body;
        JsonNode parsed;
        try {
            parsed = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            parsed = null; // //why: the intake itself rejects (and records) a body that is no event, as it does the queue's
        }
        boolean later = false;
        JsonNode answer;
        if (parsed != null && parsed.isArray()) {
            ArrayNode outcomes = JsonNodeFactory.instance.arrayNode();
            for (JsonNode event : parsed) {
                Dispatcher.Outcome outcome = intake.offer("http", event.toString(), 1);
                later |= outcome.verdict() == EventIntake.Verdict.LATER;
                outcomes.add(outcome.report());
            }
            answer = outcomes;
        } else {
            Dispatcher.Outcome outcome = intake.offer("http", text, 1);
            later = outcome.verdict() == EventIntake.Verdict.LATER;
            answer = outcome.report();
        }
        String json = JSON.writeValueAsString(answer);
        return later ? Response.status(503).header("Retry-After", "2").type(MediaType.APPLICATION_JSON).entity(json).build()
                : Response.ok(json, MediaType.APPLICATION_JSON).build();
    }
}
