package dev.opsbook.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.opsbook.http.JsonBodies;

/**
 * A request body as the API reads JSON: an empty body is an empty object; a body that is not
 * JSON, or beyond the parser's limits, is the 400 problem {@link JsonBodies} words.
 *
 * //why: resources take the body as text and read it here, whatever its Content-Type, as the API always
 * did: a bound JsonNode would be null for an empty body and refused with 415 without a JSON Content-Type
 */
final class JsonBody {

    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonBody() {
    }

    static JsonNode read(String body) {
        if (body == null || body.isBlank()) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw JsonBodies.problem(e).exception();
        }
    }
}
