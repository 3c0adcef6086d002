package dev.opsbook.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** How one attempt ended. {@code result} is the kind's result document, what {@code steps.<id>.result} shows. */
public sealed interface StepOutcome {

    JsonNode result();

    /** @param outputs outputs the step reported itself (a shell step's $OPSBOOK_OUTPUT), before declared ones */
    record Succeeded(JsonNode result, ObjectNode outputs) implements StepOutcome {
        public Succeeded(JsonNode result) {
            this(result, JsonNodeFactory.instance.objectNode());
        }
    }

    record Failed(String message, JsonNode result) implements StepOutcome {
    }

    /** A person must act and nobody could; nothing was done. */
    record Waiting(String message, JsonNode result) implements StepOutcome {
    }

    /** A person answered (manual done, approval given or refused); the answer goes to the record. */
    record Answered(Interaction.Answer answer, JsonNode result) implements StepOutcome {
    }
}
