package dev.opsbook.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Routes by method and path template ({@code /api/runs/{id}/steps/{step}/approve}): a
 * {@code {name}} segment matches any one segment and is handed to the handler decoded. A literal
 * segment wins over a parameter, so {@code /api/runs/export} can sit beside {@code /api/runs/{id}}.
 * Routes are added before the server starts, or while it runs (thread-safe).
 */
public final class Router {

    /** The work behind a route. Throw {@link ProblemException} to answer with a problem. */
    public interface Handler {
        Response handle(Request request) throws Exception;
    }

    public record Route(String method, String template, Access access, Handler handler) {
        List<String> segments() {
            return Router.segments(template);
        }

        /** "GET /api/runs/{id}": how the access audit and the OpenAPI check name it. */
        public String name() {
            return method + " " + template;
        }
    }

    /** A route and the values of its parameters. */
    public record Match(Route route, Map<String, String> params) {
    }

    private final List<Route> routes = new CopyOnWriteArrayList<>();

    public Router get(String template, Access access, Handler handler) {
        return add("GET", template, access, handler);
    }

    public Router post(String template, Access access, Handler handler) {
        return add("POST", template, access, handler);
    }

    public Router put(String template, Access access, Handler handler) {
        return add("PUT", template, access, handler);
    }

    public Router delete(String template, Access access, Handler handler) {
        return add("DELETE", template, access, handler);
    }

    public Router add(String method, String template, Access access, Handler handler) {
        if (!template.startsWith("/")) {
            throw new IllegalArgumentException("a route's template starts with /: " + template);
        }
        for (Route route : routes) {
            if (route.method().equals(method) && route.template().replaceAll("\\{[^}]+}", "{}")
                    .equals(template.replaceAll("\\{[^}]+}", "{}"))) {
                throw new IllegalArgumentException(method + " " + template + " is already routed (as " + route.template() + ")");
            }
        }
        routes.add(new Route(method, template, access, handler));
        return this;
    }

    public List<Route> routes() {
        return List.copyOf(routes);
    }

    /** The best route for this method and (raw, undecoded) path. */
    public Optional<Match> match(String method, String rawPath) {
        List<String> path = segments(rawPath);
        Match best = null;
        int bestLiterals = -1;
        for (Route route : routes) {
            if (!route.method().equals(method)) {
                continue;
            }
            Map<String, String> params = bind(route.segments(), path);
            if (params == null) {
                continue;
            }
            int literals = (int) route.segments().stream().filter(s -> !isParam(s)).count();
            if (literals > bestLiterals) {
                best = new Match(route, params);
                bestLiterals = literals;
            }
        }
        return Optional.ofNullable(best);
    }

    /** The methods some route serves at this path: for a 405's Allow header. */
    public List<String> methodsAt(String rawPath) {
        List<String> path = segments(rawPath);
        TreeSet<String> methods = new TreeSet<>();
        for (Route route : routes) {
            if (bind(route.segments(), path) != null) {
                methods.add(route.method());
            }
        }
        return List.copyOf(methods);
    }

    private static Map<String, String> bind(List<String> template, List<String> path) {
        if (template.size() != path.size()) {
            return null;
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < template.size(); i++) {
            String expected = template.get(i);
            String actual = decode(path.get(i));
            if (isParam(expected)) {
                if (actual.isEmpty()) {
                    return null;
                }
                params.put(expected.substring(1, expected.length() - 1), actual);
            } else if (!expected.equals(actual)) {
                return null;
            }
        }
        return params;
    }

    private static boolean isParam(String segment) {
        return segment.startsWith("{") && segment.endsWith("}");
    }

    static List<String> segments(String path) {
        String trimmed = path.replaceAll("^/+|/+$", "");
        List<String> segments = new ArrayList<>();
        if (!trimmed.isEmpty()) {
            segments.addAll(List.of(trimmed.split("/", -1)));
        }
        return segments;
    }

    // //why: segment by segment, so an encoded slash (%2F) in a run id stays inside its segment
    private static String decode(String segment) {
        return java.net.URLDecoder.decode(segment.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
    }
}
