package dev.opsbook.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.engine.Redactor;
import dev.opsbook.graph.LoadedRunbook;
import java.util.List;
import java.util.Optional;

/** Reads an incoming message as an EventBridge event and finds the runbooks it triggers. */
public interface EventMatcher {

    record Event(String id, String source, String detailType, JsonNode raw) {
    }

    /** @param event the event, or empty with the reason it is not one */
    record Parsed(Optional<Event> event, String problem) {
    }

    /** @param params the mapped parameters, typed; empty with {@code problem} when a mapping failed */
    record Match(LoadedRunbook runbook, int trigger, Optional<ObjectNode> params, String problem) {
    }

    Parsed parse(String body);

    /** Recompiles the triggers of these runbooks (called when the folders change). */
    void use(List<LoadedRunbook> runbooks);

    List<Match> match(Event event);

    /**
     * What the triggers of every runbook read from this message (an event, or JSON refused as one) into secret parameters:
     * masked wherever the message is kept or shown.
     */
    Redactor redactor(JsonNode message);
}
