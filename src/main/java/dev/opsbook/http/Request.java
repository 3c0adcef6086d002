package dev.opsbook.http;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.opsbook.access.Principal;
import dev.opsbook.access.Sessions;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One request as a handler sees it: path parameters from the route's template, query parameters,
 * headers (names case-insensitive), the body (read once, at most {@link #MAX_BODY} bytes), and who
 * sent it. Path and query values arrive decoded.
 */
public final class Request {

    public static final int MAX_BODY = 1 << 20;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String method;
    private final String path;
    private final String route;
    private final Map<String, String> pathParams;
    private final Map<String, List<String>> query;
    private final Map<String, List<String>> headers;
    private final byte[] body;
    private final Optional<Principal> principal;
    private final Optional<Sessions.Session> session;

    public Request(String method, String path, String route, Map<String, String> pathParams, Map<String, List<String>> query,
                   Map<String, List<String>> headers, byte[] body, Optional<Principal> principal, Optional<Sessions.Session> session) {
        this.method = method;
        this.path = path;
        this.route = route;
        this.pathParams = Map.copyOf(pathParams);
        this.query = query;
        Map<String, List<String>> lower = new LinkedHashMap<>();
        headers.forEach((name, values) -> lower.computeIfAbsent(name.toLowerCase(Locale.ROOT), n -> new ArrayList<>()).addAll(values));
        this.headers = lower;
        this.body = body;
        this.principal = principal;
        this.session = session;
    }

    public String method() {
        return method;
    }

    public String path() {
        return path;
    }

    /** The template of the route that matched: "GET /api/runs/{id}". */
    public String route() {
        return route;
    }

    public String param(String name) {
        String value = pathParams.get(name);
        if (value == null) {
            throw new IllegalArgumentException("route " + route + " has no {" + name + "}");
        }
        return value;
    }

    public Optional<String> query(String name) {
        List<String> values = query.getOrDefault(name, List.of());
        return values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    public List<String> queryAll(String name) {
        return query.getOrDefault(name, List.of());
    }

    public Map<String, List<String>> queryParams() {
        return query;
    }

    public Optional<String> header(String name) {
        List<String> values = headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
        return values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    public byte[] body() {
        return body;
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** The body as JSON; an empty body is an empty object. A body that is not JSON is a 400 problem saying where. */
    public JsonNode json() {
        if (bodyText().isBlank()) {
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
        } catch (java.io.IOException e) {
            throw Problem.badRequest("the body cannot be read: " + e.getMessage()).exception();
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

    /** The body as an HTML form ({@code application/x-www-form-urlencoded}). */
    public Map<String, List<String>> form() {
        return parseQuery(bodyText());
    }

    public Optional<String> formValue(String name) {
        List<String> values = form().getOrDefault(name, List.of());
        return values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /** Who sent it; empty only on public routes. */
    public Optional<Principal> principal() {
        return principal;
    }

    /** The authenticated principal of a protected route. */
    public Principal who() {
        return principal.orElseThrow(() -> Problem.unauthorized("this route needs a token").exception());
    }

    /** The browser session the request came with, when it came with one rather than a Bearer token. */
    public Optional<Sessions.Session> session() {
        return session;
    }

    public Optional<String> cookie(String name) {
        for (String header : headers.getOrDefault("cookie", List.of())) {
            for (String pair : header.split(";")) {
                String[] nameValue = pair.strip().split("=", 2);
                if (nameValue.length == 2 && nameValue[0].equals(name)) {
                    return Optional.of(nameValue[1]);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Content negotiation: which of {@code offered} (in the server's order of preference) the
     * {@code Accept} header takes with the highest quality; the first offered when there is no
     * header; empty when it takes none of them (a 406).
     */
    public Optional<String> negotiate(String... offered) {
        Optional<String> accept = header("Accept");
        if (accept.isEmpty() || accept.get().isBlank()) {
            return Optional.of(offered[0]);
        }
        String best = null;
        double bestQuality = 0;
        for (String type : offered) {
            double quality = quality(accept.get(), type);
            if (quality > bestQuality) {
                best = type;
                bestQuality = quality;
            }
        }
        return Optional.ofNullable(best);
    }

    private static double quality(String accept, String type) {
        double result = 0;
        int bestSpecificity = -1;
        String[] typeParts = type.split("/");
        for (String range : accept.split(",")) {
            String[] parts = range.strip().split(";");
            String[] media = parts[0].strip().toLowerCase(Locale.ROOT).split("/");
            if (media.length != 2) {
                continue;
            }
            int specificity;
            if (media[0].equals(typeParts[0]) && media[1].equals(typeParts[1])) {
                specificity = 2;
            } else if (media[0].equals(typeParts[0]) && media[1].equals("*")) {
                specificity = 1;
            } else if (media[0].equals("*") && media[1].equals("*")) {
                specificity = 0;
            } else {
                continue;
            }
            double q = 1;
            for (String parameter : Arrays.copyOfRange(parts, 1, parts.length)) {
                String[] nameValue = parameter.strip().split("=", 2);
                if (nameValue.length == 2 && nameValue[0].equals("q")) {
                    try {
                        q = Double.parseDouble(nameValue[1]);
                    } catch (NumberFormatException e) {
                        q = 0;
                    }
                }
            }
            if (specificity > bestSpecificity) {
                bestSpecificity = specificity;
                result = q;
            }
        }
        return result;
    }

    static Map<String, List<String>> parseQuery(String raw) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return params;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            String[] nameValue = pair.split("=", 2);
            String name = URLDecoder.decode(nameValue[0], StandardCharsets.UTF_8);
            String value = nameValue.length > 1 ? URLDecoder.decode(nameValue[1], StandardCharsets.UTF_8) : "";
            params.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
        }
        return params;
    }
}
