package dev.opsbook.engine;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;

/** One try at a step: retries make several. {@code result} is what the step kind reported. */
public record Attempt(int number, Instant startedAt, Instant endedAt, boolean succeeded, String message, JsonNode result) {

    public Duration duration() {
        return Duration.between(startedAt, endedAt);
    }
}
