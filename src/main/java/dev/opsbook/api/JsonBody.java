package dev.opsbook.api;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.opsbook.http.Problem;

/**
 * A request body as the API reads JSON: an empty body is an empty object; a body that is not
 * JSON, or beyond the parser's limits, is a 400 problem saying where and what to send.
 *
 * //why: resources take the body as text and read it here rather than letting the JSON provider
 * bind it, so a malformed body gets the API's one-line problem, not the provider's message
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
        } catch (StreamConstraintsException e) {
            throw Problem.badRequest(beyondLimits(JSON.getFactory().streamReadConstraints(), e)).exception();
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw Problem.badRequest("the body is not JSON: " + e.getOriginalMessage()
                    + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr())
                    + "; send a JSON object with Content-Type: application/json").exception();
        }
    }

    /**
     * What the parser's limits refused, in the API's words.
     *
     * //why: the parser stops a document at its limits (nesting above all: a deep one would exhaust the stack of whatever
     * walks it next); its message names the Java setting, not what the client sent
     */
    private static String beyondLimits(StreamReadConstraints limits, StreamConstraintsException e) {
        String message = String.valueOf(e.getOriginalMessage());
        String what = message.contains("nesting depth")
                ? "arrays and objects nested deeper than " + limits.getMaxNestingDepth() + " levels"
                : message.replaceAll(",? ?\\(?from `[^`]*`\\)?", "").strip();
        return "the body is JSON beyond what the API reads: " + what + "; send a flatter or smaller document";
    }
}
