package dev.opsbook.runbook;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;

/**
 * A declared input of a runbook. {@code defaultValue} is already typed (a JSON number for an
 * integer parameter, and so on) or absent.
 */
public record Parameter(
        String name,
        ParameterType type,
        Optional<JsonNode> defaultValue,
        boolean required,
        Optional<String> pattern,
        List<JsonNode> allowedValues,
        String description,
        Position position) {

    public Parameter {
        allowedValues = List.copyOf(allowedValues);
    }

    public boolean isSecret() {
        return type == ParameterType.SECRET;
    }
}
