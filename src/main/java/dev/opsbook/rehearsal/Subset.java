package dev.opsbook.rehearsal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/**
 * Whether a document has what an expectation names: every member of an expected object, recursively; lists item by
 * item, of the same length; other values equal, a number equal to its text ("2" matches 2), as YAML authors write them.
 */
public final class Subset {

    private Subset() {
    }

    public static boolean matches(JsonNode expected, JsonNode actual) {
        if (expected == null || expected.isMissingNode()) {
            return true;
        }
        if (actual == null || actual.isMissingNode()) {
            return expected.isNull();
        }
        if (expected.isObject()) {
            if (!actual.isObject()) {
                return false;
            }
            Iterator<Map.Entry<String, JsonNode>> fields = expected.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (!matches(field.getValue(), actual.get(field.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        if (expected.isArray()) {
            if (!actual.isArray() || actual.size() != expected.size()) {
                return false;
            }
            for (int i = 0; i < expected.size(); i++) {
                if (!matches(expected.get(i), actual.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (expected.isValueNode() && actual.isValueNode()) {
            if (expected.isNumber() && actual.isNumber()) {
                return expected.decimalValue().compareTo(actual.decimalValue()) == 0;
            }
            return expected.asText().equals(actual.asText()) && (expected.isNull() == actual.isNull());
        }
        return false;
    }
}
