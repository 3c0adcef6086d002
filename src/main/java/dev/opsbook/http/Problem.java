package dev.opsbook.http;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An RFC 9457 problem document ({@code application/problem+json}). {@code detail} says what went
 * wrong for this request and what to do about it; {@code title} is the same for every problem
 * of one kind.
 */
public record Problem(int status, String title, String detail, String type) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public Problem(int status, String title, String detail) {
        this(status, title, detail, "about:blank");
    }

    public static Problem badRequest(String detail) {
        return new Problem(400, "Bad request", detail);
    }

    public static Problem unauthorized(String detail) {
        return new Problem(401, "Not authenticated", detail);
    }

    public static Problem forbidden(String detail) {
        return new Problem(403, "Forbidden", detail);
    }

    public static Problem notFound(String detail) {
        return new Problem(404, "Not found", detail);
    }

    public static Problem conflict(String detail) {
        return new Problem(409, "Conflict", detail);
    }

    public static Problem unavailable(String detail) {
        return new Problem(503, "Busy", detail);
    }

    public static Problem unprocessable(String detail) {
        return new Problem(422, "Invalid input", detail);
    }

    public ObjectNode toJson(String instance) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("type", type);
        json.put("title", title);
        json.put("status", status);
        json.put("detail", detail);
        if (instance != null) {
            json.put("instance", instance);
        }
        return json;
    }

    /** Thrown by a handler to answer with this problem. */
    public ProblemException exception() {
        return new ProblemException(this);
    }
}
