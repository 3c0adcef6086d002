package dev.opsbook.gameday;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.rehearsal.AwsAnswer;
import dev.opsbook.runbook.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A game day's scenario, as {@code POST /api/gamedays} takes it (the CLI reads the YAML file and puts each event file's
 * JSON in place of its name): the events to inject, the simulated AWS answers ({@code aws:}, the form of test files) or
 * {@code live: true}, and what a good response looks like ({@code expect:}).
 *
 * @param aws the simulated answers, kept as written: the simulated AWS of test files reads them
 * @param timeout how long {@code opsbook gameday start} follows the drills before it judges what is still pending
 */
public record Scenario(String name, List<ObjectNode> events, ArrayNode aws, boolean live, Expect expect, Duration timeout) {

    /** What a good response looks like; each part is judged only when the scenario gives it. */
    public record Expect(List<String> runbooksStarted, Optional<Duration> firstStepWithin, Optional<Duration> decisionWithin,
                         Optional<String> status) {

        public Expect {
            runbooksStarted = List.copyOf(runbooksStarted);
        }
    }

    /** A problem with a scenario: where (a JSON pointer into it) and what to do. */
    public record Problem(String pointer, String message) {
        @Override
        public String toString() {
            return (pointer.isEmpty() ? "" : pointer + ": ") + message;
        }
    }

    /** The scenario, or what is wrong with it. */
    public record Read(Optional<Scenario> scenario, List<Problem> problems) {
    }

    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);
    private static final Set<String> KEYS = Set.of("name", "events", "aws", "live", "expect", "timeout");
    private static final Set<String> EXPECT_KEYS = Set.of("runbook-started", "first-step-within", "decision-within", "status");
    private static final Set<String> STATUSES = Set.of("succeeded", "failed", "cancelled", "waiting", "needs-attention");

    public Scenario {
        events = List.copyOf(events);
    }

    /** Reads a scenario whose events are inline (event objects, or {@code event:} mappings). */
    public static Read read(JsonNode json) {
        List<Problem> problems = new ArrayList<>();
        if (json == null || !json.isObject()) {
            return new Read(Optional.empty(), List.of(new Problem("", "a scenario is a mapping with name, events and expect")));
        }
        unknownKeys(json, "", KEYS, problems);
        String name = json.path("name").asText("").strip();
        if (name.isEmpty()) {
            problems.add(new Problem("/name", "name the scenario: name: EC2 instance stopped in staging"));
        }
        List<ObjectNode> events = new ArrayList<>();
        JsonNode list = json.path("events");
        if (!list.isArray() || list.isEmpty()) {
            problems.add(new Problem("/events", "list the event(s) to inject: a file (events/ec2-instance-state-change.json) or event: {...}"));
        } else {
            for (int i = 0; i < list.size(); i++) {
                JsonNode item = list.get(i);
                JsonNode event = item.has("event") ? item.get("event") : item;
                if (!event.isObject() || !event.has("source") || !event.has("detail-type")) {
                    problems.add(new Problem("/events/" + i, "an event is an EventBridge event with source and detail-type"
                            + (item.isTextual() || item.has("file") ? " (files are read by opsbook gameday start)" : "")));
                } else {
                    events.add(((ObjectNode) event).deepCopy());
                }
            }
        }
        JsonNode aws = json.path("aws");
        // //why: the same reading as test files': one form, one did-you-mean for an unknown operation
        AwsAnswer.parse(aws, "/aws").problems().forEach(p -> problems.add(new Problem(p.pointer(), p.message())));
        boolean live = json.path("live").asBoolean(false);
        if (json.has("live") && !json.get("live").isBoolean()) {
            problems.add(new Problem("/live", "live is true or false"));
        }
        if (live && aws.isArray() && !aws.isEmpty()) {
            problems.add(new Problem("/aws", "a live game day calls AWS for real; leave out aws: or live: true"));
        }
        Expect expect = expect(json.path("expect"), problems);
        Duration timeout = duration(json, "timeout", "", problems).orElse(DEFAULT_TIMEOUT);
        if (!problems.isEmpty()) {
            return new Read(Optional.empty(), problems);
        }
        return new Read(Optional.of(new Scenario(name, events, aws.isArray() ? (ArrayNode) aws : JsonNodeFactory.instance.arrayNode(),
                live, expect, timeout)), List.of());
    }

    /** A scenario as the store keeps it ({@link #json()}); {@link IllegalStateException} when it no longer reads. */
    public static Scenario stored(String gameDay, String json) {
        try {
            Read read = read(new com.fasterxml.jackson.databind.ObjectMapper().readTree(json));
            return read.scenario().orElseThrow(() -> new IllegalStateException("game day " + gameDay
                    + ": its stored scenario no longer reads: " + read.problems()));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("game day " + gameDay + ": its stored scenario is not JSON", e);
        }
    }

    /** The simulated AWS answers, read as test files read theirs. */
    public List<AwsAnswer> answers() {
        return AwsAnswer.parse(aws, "/aws").answers();
    }

    /** The scenario as JSON again: what the store keeps. */
    public ObjectNode json() {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("name", name);
        ArrayNode list = out.putArray("events");
        events.forEach(list::add);
        out.set("aws", aws);
        out.put("live", live);
        ObjectNode e = out.putObject("expect");
        if (!expect.runbooksStarted().isEmpty()) {
            expect.runbooksStarted().forEach(e.putArray("runbook-started")::add);
        }
        expect.firstStepWithin().ifPresent(d -> e.put("first-step-within", Durations.written(d)));
        expect.decisionWithin().ifPresent(d -> e.put("decision-within", Durations.written(d)));
        expect.status().ifPresent(s -> e.put("status", s));
        out.put("timeout", Durations.written(timeout));
        return out;
    }

    private static Expect expect(JsonNode json, List<Problem> problems) {
        if (json.isMissingNode()) {
            problems.add(new Problem("/expect", "say what a good response looks like: expect: { runbook-started: ID, status: succeeded }"));
            return new Expect(List.of(), Optional.empty(), Optional.empty(), Optional.empty());
        }
        if (!json.isObject()) {
            problems.add(new Problem("/expect", "expect is a mapping: runbook-started, first-step-within, decision-within, status"));
            return new Expect(List.of(), Optional.empty(), Optional.empty(), Optional.empty());
        }
        unknownKeys(json, "/expect", EXPECT_KEYS, problems);
        List<String> runbooks = new ArrayList<>();
        JsonNode started = json.path("runbook-started");
        if (started.isTextual()) {
            runbooks.add(started.asText());
        } else if (started.isArray()) {
            started.forEach(r -> runbooks.add(r.asText()));
        } else if (!started.isMissingNode()) {
            problems.add(new Problem("/expect/runbook-started", "runbook-started is a runbook id or a list of them"));
        }
        Optional<String> status = Optional.ofNullable(json.path("status").textValue());
        if (status.isPresent() && !STATUSES.contains(status.get())) {
            problems.add(new Problem("/expect/status", "status '" + status.get() + "' is none of " + String.join(", ", STATUSES.stream().sorted().toList())));
        }
        return new Expect(runbooks, duration(json, "first-step-within", "/expect", problems),
                duration(json, "decision-within", "/expect", problems), status);
    }

    private static Optional<Duration> duration(JsonNode json, String key, String at, List<Problem> problems) {
        if (!json.has(key)) {
            return Optional.empty();
        }
        Optional<Duration> parsed = Durations.parse(json.get(key).asText());
        if (parsed.isEmpty()) {
            problems.add(new Problem(at + "/" + key, key + " '" + json.get(key).asText() + "' is not a duration; write it as 30s, 5m or 1h"));
        }
        return parsed;
    }

    private static void unknownKeys(JsonNode json, String at, Set<String> known, List<Problem> problems) {
        for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                problems.add(new Problem(at + "/" + name, "unknown key '" + name + "'; a scenario" + (at.isEmpty() ? "" : "'s expect")
                        + " has " + String.join(", ", known.stream().sorted().toList())));
            }
        }
    }
}
