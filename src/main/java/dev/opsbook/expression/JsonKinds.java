package dev.opsbook.expression;

import com.fasterxml.jackson.databind.JsonNode;

/** A JSON value's kind in words, for messages that say what was found instead of what was expected. */
public final class JsonKinds {

    private JsonKinds() {
    }

    /** "an object", "a list", "a number", "a boolean", "null" or "a string". */
    public static String of(JsonNode value) {
        if (value.isObject()) {
            return "an object";
        }
        if (value.isArray()) {
            return "a list";
        }
        if (value.isNumber()) {
            return "a number";
        }
        if (value.isBoolean()) {
            return "a boolean";
        }
        if (value.isNull()) {
            return "null";
        }
        return "a string";
    }
}
