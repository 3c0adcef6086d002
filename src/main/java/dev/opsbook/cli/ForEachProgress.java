package dev.opsbook.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/** What the terminal says when a for-each step starts: how many items, from which expression. */
final class ForEachProgress {

    private ForEachProgress() {
    }

    /** {@code  (2 items from params.hosts)} for the start of a for-each step, given the input it started with. */
    static Optional<String> listed(JsonNode input) {
        if (input == null || !input.has("foreach") || !input.path("items").isArray()) {
            return Optional.empty();
        }
        int size = input.get("items").size();
        return Optional.of(" (" + size + (size == 1 ? " item" : " items") + " from " + input.get("foreach").asText() + ")");
    }
}
