package dev.opsbook.runbook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.math.BigDecimal;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Types and checks parameter values against their declaration: the same rules for defaults and for {@code --param}. */
public final class ParameterValues {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ParameterValues() {
    }

    /** A typed value, or the reason the text is not one. */
    public sealed interface Outcome {
    }

    public record Valid(JsonNode value) implements Outcome {
    }

    public record Invalid(String reason) implements Outcome {
    }

    /** Reads a value typed on a command line ({@code --param k=v}) as the parameter's type. */
    public static Outcome fromText(Parameter parameter, String text) {
        JsonNode value = switch (parameter.type()) {
            case STRING, SECRET -> JSON.textNode(text);
            case INTEGER -> text.strip().matches("[-+]?\\d+") ? JSON.numberNode(new java.math.BigInteger(text.strip())) : null;
            case NUMBER -> number(text);
            case BOOLEAN -> switch (text.strip().toLowerCase(java.util.Locale.ROOT)) {
                case "true", "yes", "y", "1" -> JSON.booleanNode(true);
                case "false", "no", "n", "0" -> JSON.booleanNode(false);
                default -> null;
            };
            case LIST -> list(text);
        };
        if (value == null) {
            return new Invalid("'" + shown(parameter, text) + "' is not " + article(parameter.type()));
        }
        return check(parameter, value);
    }

    /** Checks a value that already has a JSON type (a default written in YAML). */
    public static Outcome check(Parameter parameter, JsonNode value) {
        JsonNode typed = conform(parameter.type(), value);
        if (typed == null) {
            return new Invalid(shown(parameter, value.toString()) + " is not " + article(parameter.type()));
        }
        if (parameter.pattern().isPresent()) {
            try {
                Pattern pattern = Pattern.compile(parameter.pattern().get());
                for (JsonNode item : typed.isArray() ? typed : JSON.arrayNode().add(typed)) {
                    String text = item.isTextual() ? item.textValue() : item.toString();
                    if (!pattern.matcher(text).find()) {
                        return new Invalid("'" + shown(parameter, text) + "' does not match pattern '"
                                + parameter.pattern().get() + "'");
                    }
                }
            } catch (PatternSyntaxException e) {
                return new Invalid("pattern '" + parameter.pattern().get() + "' is not a valid regular expression");
            }
        }
        if (!parameter.allowedValues().isEmpty()) {
            for (JsonNode item : typed.isArray() && parameter.type() == ParameterType.LIST ? typed : JSON.arrayNode().add(typed)) {
                boolean allowed = parameter.allowedValues().stream().anyMatch(a -> sameValue(a, item));
                if (!allowed) {
                    return new Invalid(shown(parameter, item.isTextual() ? "'" + item.textValue() + "'" : item.toString())
                            + " is not one of: " + String.join(", ", parameter.allowedValues().stream()
                            .map(a -> a.isTextual() ? a.textValue() : a.toString()).toList()));
                }
            }
        }
        return new Valid(typed);
    }

    private static boolean sameValue(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        return a.equals(b) || (a.isValueNode() && b.isValueNode() && a.asText().equals(b.asText()));
    }

    private static JsonNode conform(ParameterType type, JsonNode value) {
        return switch (type) {
            case STRING, SECRET -> value.isValueNode() && !value.isNull() ? JSON.textNode(value.asText()) : null;
            case INTEGER -> value.isIntegralNumber() ? value
                    : value.isTextual() && value.textValue().strip().matches("[-+]?\\d+")
                    ? JSON.numberNode(new java.math.BigInteger(value.textValue().strip())) : null;
            case NUMBER -> value.isNumber() ? value : value.isTextual() ? number(value.textValue()) : null;
            case BOOLEAN -> value.isBoolean() ? value : null;
            case LIST -> value.isArray() ? value : value.isTextual() ? list(value.textValue()) : null;
        };
    }

    private static JsonNode number(String text) {
        try {
            return JSON.numberNode(new BigDecimal(text.strip()));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** A list is a JSON array, or comma-separated words. */
    private static JsonNode list(String text) {
        String trimmed = text.strip();
        if (trimmed.startsWith("[")) {
            try {
                JsonNode node = MAPPER.readTree(trimmed);
                return node.isArray() ? node : null;
            } catch (Exception e) {
                return null;
            }
        }
        ArrayNode items = JSON.arrayNode();
        if (!trimmed.isEmpty()) {
            for (String item : trimmed.split(",")) {
                items.add(item.strip());
            }
        }
        return items;
    }

    private static String shown(Parameter parameter, String text) {
        return parameter.isSecret() ? "the value" : text;
    }

    private static String article(ParameterType type) {
        return switch (type) {
            case INTEGER -> "an integer";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean (true or false)";
            case LIST -> "a list";
            default -> "a string";
        };
    }

    public static Optional<String> problem(Outcome outcome) {
        return outcome instanceof Invalid invalid ? Optional.of(invalid.reason()) : Optional.empty();
    }
}
