package dev.opsbook.http;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;

/** What the API says of a request body it cannot read: not JSON, JSON beyond the parser's limits, too large. */
public final class JsonBodies {

    private JsonBodies() {
    }

    /** @param limit {@code quarkus.http.limits.max-body-size}, in bytes */
    public static Problem tooLarge(long limit) {
        return new Problem(413, "Body too large", "the body is larger than " + limit + " bytes");
    }

    public static Problem problem(JsonProcessingException e) {
        if (e instanceof StreamConstraintsException limits) {
            return Problem.badRequest(beyondLimits(StreamReadConstraints.defaults(), limits));
        }
        JsonLocation at = e.getLocation();
        return Problem.badRequest("the body is not JSON: " + e.getOriginalMessage()
                + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr())
                + "; send a JSON object with Content-Type: application/json");
    }

    /**
     * What the parser's limits refused, in the API's words.
     *
     * //why: the parser stops a document at its limits (nesting above all: a deep one would exhaust the stack of whatever
     * walks it next); its message names the Java setting, not what the client sent
     */
    static String beyondLimits(StreamReadConstraints limits, StreamConstraintsException e) {
        String message = String.valueOf(e.getOriginalMessage());
        String what = message.contains("nesting depth")
                ? "arrays and objects nested deeper than " + limits.getMaxNestingDepth() + " levels"
                : message.replaceAll(",? ?\\(?from `[^`]*`\\)?", "").strip();
        return "the body is JSON beyond what the API reads: " + what + "; send a flatter or smaller document";
    }
}
