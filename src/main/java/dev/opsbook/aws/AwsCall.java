package dev.opsbook.aws;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * One AWS API call as a runbook step asks for it.
 *
 * @param input the request in the API's member names, templates already rendered
 * @param paginate fetch every page and merge them
 */
public record AwsCall(String service, String operation, JsonNode input, Optional<String> region, Optional<String> role,
                      boolean paginate) {

    public static AwsCall from(JsonNode settings) {
        return new AwsCall(
                settings.path("service").asText(),
                settings.path("operation").asText(),
                settings.path("input"),
                text(settings, "region"),
                text(settings, "role"),
                settings.path("paginate").asBoolean(false));
    }

    private static Optional<String> text(JsonNode settings, String key) {
        JsonNode value = settings.get(key);
        return value == null || value.isNull() || value.asText().isBlank() ? Optional.empty() : Optional.of(value.asText());
    }
}
