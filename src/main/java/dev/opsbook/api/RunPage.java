package dev.opsbook.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.http.Problem;
import dev.opsbook.incident.IncidentIds;
import dev.opsbook.service.RunQueries;
import dev.opsbook.service.RunSearch;
import dev.opsbook.service.RunView;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One page of {@code GET /api/runs}: the filter read from the query (runbook, status, trigger,
 * start time since inclusive and until exclusive, offset, limit) and the page's document with
 * the address of the next page; {@code q} searches the runs' text ({@link RunSearch}). Pure: the resource reads the runs.
 */
record RunPage(RunQueries.Filter filter, int offset, int limit, Map<String, List<String>> query) {

    static final int DEFAULT_PAGE = 50;
    static final int MAX_PAGE = 500;

    /** The page a query asks for; a 400 problem for a value it cannot be. One more run than the page is read, to know if there is a next. */
    static RunPage of(Map<String, List<String>> query) {
        Optional<RunStatus> status = first(query, "status").map(s -> Arrays.stream(RunStatus.values())
                .filter(v -> v.label().equals(s.toLowerCase(Locale.ROOT))).findFirst()
                .orElseThrow(() -> Problem.badRequest("status '" + s + "' is none of " + String.join(", ",
                        Arrays.stream(RunStatus.values()).map(RunStatus::label).toList())).exception()));
        Instant now = Instant.now();
        Optional<Instant> since = first(query, "since").map(s -> instant("since", s, now));
        Optional<Instant> until = first(query, "until").map(s -> instant("until", s, now));
        Optional<String> search = first(query, "q").map(q -> checked(() -> RunSearch.text(q)));
        checked(() -> {
            RunSearch.range(since, until);
            return null;
        });
        int limit = number(query, "limit", DEFAULT_PAGE, 1, MAX_PAGE);
        int offset = number(query, "offset", 0, 0, Integer.MAX_VALUE);
        Optional<Boolean> drill = first(query, "drill").map(d -> switch (d) {
            case "true" -> true;
            case "false" -> false;
            default -> throw Problem.badRequest("drill '" + d + "' is neither true nor false").exception();
        });
        Optional<String> incident = first(query, "incident");
        incident.flatMap(IncidentIds::problem).ifPresent(p -> {
            throw Problem.badRequest("incident: " + p).exception();
        });
        return new RunPage(new RunQueries.Filter(first(query, "runbook"), status, first(query, "trigger"), since, until, offset, limit + 1,
                drill, search, incident),
                offset, limit, query);
    }

    ObjectNode document(List<RunView> read) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ArrayNode list = out.putArray("runs");
        read.stream().limit(limit).forEach(r -> list.add(Views.runSummary(r)));
        out.put("offset", offset);
        out.put("limit", limit);
        if (read.size() > limit) {
            Map<String, List<String>> next = new LinkedHashMap<>(query);
            next.put("offset", List.of(String.valueOf(offset + limit)));
            next.put("limit", List.of(String.valueOf(limit)));
            out.put("next", "/api/runs?" + String.join("&", next.entrySet().stream().flatMap(e -> e.getValue().stream()
                    .map(v -> e.getKey() + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8))).toList()));
        } else {
            out.putNull("next");
        }
        return out;
    }

    private static Optional<String> first(Map<String, List<String>> query, String name) {
        List<String> values = query.getOrDefault(name, List.of());
        return values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    private static Instant instant(String name, String value, Instant now) {
        return checked(() -> RunSearch.time(name, value, now));
    }

    /** What the search refuses, as a 400 problem saying why. */
    private static <T> T checked(java.util.function.Supplier<T> read) {
        try {
            return read.get();
        } catch (IllegalArgumentException e) {
            throw Problem.badRequest(e.getMessage()).exception();
        }
    }

    private static int number(Map<String, List<String>> query, String name, int fallback, int min, int max) {
        Optional<String> text = first(query, name);
        if (text.isEmpty()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text.get());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw Problem.badRequest(name + " must be a whole number from " + min + " to " + max + ", not '" + text.get() + "'").exception();
    }
}
