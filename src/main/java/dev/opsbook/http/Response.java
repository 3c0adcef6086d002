package dev.opsbook.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** What a handler answers: a body sent whole, or a stream written as it goes. Immutable. */
public sealed interface Response {

    int status();

    Map<String, String> headers();

    /** A copy with one more header (Set-Cookie, Location, ...). */
    Response with(String header, String value);

    record Body(int status, String contentType, byte[] bytes, Map<String, String> headers) implements Response {
        public Body {
            headers = Map.copyOf(headers);
        }

        @Override
        public Response with(String header, String value) {
            Map<String, String> more = new LinkedHashMap<>(headers);
            more.put(header, value);
            return new Body(status, contentType, bytes, more);
        }
    }

    /** Written by {@code writer} after the headers went out; each event is flushed at once. */
    record Stream(String contentType, StreamWriter writer, Map<String, String> headers) implements Response {
        public Stream {
            headers = Map.copyOf(headers);
        }

        @Override
        public int status() {
            return 200;
        }

        @Override
        public Response with(String header, String value) {
            Map<String, String> more = new LinkedHashMap<>(headers);
            more.put(header, value);
            return new Stream(contentType, writer, more);
        }
    }

    interface StreamWriter {
        void write(EventStream events) throws Exception;
    }

    static Response json(int status, JsonNode body) {
        return new Body(status, "application/json", body.toString().getBytes(StandardCharsets.UTF_8), Map.of());
    }

    static Response ok(JsonNode body) {
        return json(200, body);
    }

    static Response created(String location, JsonNode body) {
        return json(201, body).with("Location", location);
    }

    static Response text(int status, String contentType, String body) {
        return new Body(status, contentType, body.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    static Response html(String body) {
        return text(200, "text/html; charset=utf-8", body);
    }

    static Response noContent() {
        return new Body(204, "", new byte[0], Map.of());
    }

    /** 303 See Other: after a form POST, the browser GETs {@code location}. */
    static Response seeOther(String location) {
        return new Body(303, "", new byte[0], Map.of("Location", location));
    }

    /** Server-sent events. */
    static Response events(StreamWriter writer) {
        return new Stream("text/event-stream; charset=utf-8", writer, Map.of("X-Accel-Buffering", "no"));
    }

    static Response problem(Problem problem, String instance) {
        return new Body(problem.status(), Problem.MEDIA_TYPE, problem.toJson(instance).toString().getBytes(StandardCharsets.UTF_8), Map.of());
    }
}
