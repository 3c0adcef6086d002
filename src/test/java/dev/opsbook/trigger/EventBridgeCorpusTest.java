package dev.opsbook.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.graph.LoadedRunbook;
import dev.opsbook.runbook.Diagnostic;
import dev.opsbook.runbook.Runbook;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Real events and patterns, read in place from the shared corpus (see {@link Events#corpus()}):
 * events from many AWS services as EventBridge delivers them, patterns from the EventBridge and
 * ECS documentation, and event-ruler's own rule/event correctness cases, each run through
 * {@link TriggerIndex} as triggers of runbooks.
 */
class EventBridgeCorpusTest {

    private static final String CASES = "eventruler-correctness-cases.json";

    /**
     * Which corpus event each documentation pattern matches; it matches no other corpus event.
     * Only the EC2 state-change event in the corpus is one those patterns were written for; the
     * others are paired with corpus events changed as {@link #variants()} says.
     */
    private static final Map<String, Set<String>> CORPUS_MATCHES = Map.of(
            "eb-event-patterns-pattern1.json", Set.of("powertools-eventBridgeEvent.json"),
            "eb-event-patterns-pattern2.json", Set.of("powertools-eventBridgeEvent.json"),
            "eb-event-patterns-pattern3.json", Set.of(),
            "eb-event-patterns-pattern4.json", Set.of(),
            "ecs-pattern1.json", Set.of(),
            "ecs-pattern2.json", Set.of());

    /**
     * Expected verdicts on event-ruler's correctness cases, written from EventBridge's documented
     * semantics: all fields of a pattern must match (a list in the pattern is any of its values),
     * an array in the event matches if any element does, and fields of objects inside an array
     * match only within the same element. The file itself gives rules and events, no verdicts.
     */
    private static final Map<String, Boolean> CASE_VERDICTS = verdicts();

    private static Map<String, Boolean> verdicts() {
        Map<String, Boolean> verdicts = new LinkedHashMap<>();
        for (String name : List.of(
                "flat: 2-field exists, both present", "flat: exact match", "flat: prefix", "flat: numeric range", "flat: anything-but",
                "objarray: same element", "objarray: 3 elem, last valid", "objarray: 3-field, all in one", "objarray: exact same elem",
                "objarray: prefix same", "primarray: exists", "primarray: exact match", "nested: inner same", "nested: outer same",
                "nested2: same leaf", "mixed: array+scalar match", "exists-false: absent", "single-field rule", "many elem one valid",
                "numeric+exists array", "anything-but array", "primarray: large + scalar, exists", "primarray: large + scalar, prefix",
                "primarray: nested under object", "primarray: two prim arrays + scalar", "primarray: exact match among many",
                "primarray: numeric in array", "primarray: anything-but in array", "primarray: single value array",
                "mixed: obj-array + prim-array", "deep prim: nested 3 levels", "suffix match in array",
                "N emails, only last element has name \u2014 dedup loses the only valid match")) {
            verdicts.put(name, true);
        }
        for (String name : List.of(
                "flat: 2-field exists, one missing", "flat: exact mismatch", "objarray: split", "objarray: 3-field, split 3 ways",
                "objarray: exact split", "objarray: prefix split", "primarray: no match", "nested: inner split", "nested: outer split",
                "nested2: split leaf", "mixed: array+scalar fail", "exists-false: present", "empty object", "empty array",
                "primarray: large + scalar, no match", "primarray: empty prim array", "mixed: obj-array split + prim-array",
                "suffix match split")) {
            verdicts.put(name, false);
        }
        return verdicts;
    }

    // ---- events -------------------------------------------------------------------------------

    @TestFactory
    Stream<DynamicTest> every_corpus_event_is_an_eventbridge_envelope() {
        return files(Events.corpus().resolve("events")).map(file -> dynamicTest(file.getFileName().toString(), () -> {
            ParsedEvent parsed = EventEnvelope.parse(Events.text(file));
            if (file.getFileName().toString().startsWith("healthtools-") && parsed instanceof EventEnvelope.Rejection rejection) {
                // the corpus README calls this one the raw Health shape: if it is, it must be refused, and say why
                assertThat(rejection.reason()).contains("field");
                return;
            }
            assertThat(parsed).as(file.getFileName() + ": " + parsed).isInstanceOf(EventEnvelope.class);
            EventEnvelope event = (EventEnvelope) parsed;
            JsonNode raw = Events.json(file);
            assertThat(event.source()).isEqualTo(raw.get("source").textValue()).startsWith("aws.");
            assertThat(event.detailType()).isEqualTo(raw.get("detail-type").textValue());
            assertThat(event.detail()).isEqualTo(raw.get("detail"));
            assertThat(event.raw()).isEqualTo(raw);
        }));
    }

    // ---- documentation patterns ---------------------------------------------------------------

    @TestFactory
    Stream<DynamicTest> every_documentation_pattern_compiles_and_matches_exactly_the_corpus_events_it_is_for() {
        Path corpus = Events.corpus();
        List<Path> patterns = files(corpus.resolve("patterns")).filter(p -> !p.getFileName().toString().equals(CASES)).toList();
        List<Path> events = files(corpus.resolve("events")).toList();
        assertThat(patterns).extracting(p -> p.getFileName().toString()).containsExactlyInAnyOrderElementsOf(CORPUS_MATCHES.keySet());
        List<Runbook> runbooks = patterns.stream().map(p -> patternRunbook(p.getFileName().toString(), Events.json(p))).toList();
        assertThat(runbooks).allSatisfy(r -> assertThat(TriggerValidationTest.load(r.file(), r.text()).diagnostics())
                .as(r.file() + " without even a warning").isEmpty());
        TriggerIndex index = TriggerIndex.of(runbooks);
        return events.stream().map(file -> dynamicTest(file.getFileName().toString(), () -> {
            EventEnvelope event = (EventEnvelope) EventEnvelope.parse(Events.text(file));
            List<String> matched = index.matches(event).stream().map(m -> m.runbook().file().replace(".md", ".json")).toList();
            List<String> expected = CORPUS_MATCHES.entrySet().stream()
                    .filter(e -> e.getValue().contains(file.getFileName().toString())).map(Map.Entry::getKey).sorted().toList();
            assertThat(matched).containsExactlyInAnyOrderElementsOf(expected);
        }));
    }

    /** Corpus events changed just enough to be what the other documentation patterns are for, and to just miss. */
    @TestFactory
    Stream<DynamicTest> the_documentation_patterns_match_the_events_they_are_for_and_miss_by_one_field() {
        Path corpus = Events.corpus();
        List<DynamicTest> tests = new ArrayList<>();
        ObjectNode launch = Events.json(corpus.resolve("events/lambdago-autoscaling-event-launch-successful.json"));
        ObjectNode launchWithNull = launch.deepCopy();
        ((ObjectNode) launchWithNull.get("detail")).putNull("responseElements");
        ObjectNode ecsTask = Events.json(corpus.resolve("events/ecs-ex2.json"));
        ObjectNode serviceAction = ecsTask.deepCopy().put("detail-type", "ECS Service Action");
        ObjectNode deployment = ecsTask.deepCopy().put("detail-type", "ECS Deployment State Change");
        ObjectNode macie = ecsTask.deepCopy().put("source", "aws.macie").put("detail-type", "Macie Finding");
        macie.set("detail", Events.json("{\"severity\": {\"score\": 1, \"description\": \"Low\"}, \"count\": 2, \"type\": \"Policy:IAMUser/S3BucketPublic\"}"));
        ObjectNode macieCount3 = macie.deepCopy();
        ((ObjectNode) macieCount3.get("detail")).put("count", 3);
        ObjectNode terminated = Events.json(corpus.resolve("events/powertools-eventBridgeEvent.json"));
        ObjectNode running = terminated.deepCopy();
        ((ObjectNode) running.get("detail")).put("state", "running");
        ObjectNode fargate = terminated.deepCopy().put("source", "aws.fargate");

        tests.add(pair("eb-event-patterns-pattern1.json", "state terminated", terminated, true));
        tests.add(pair("eb-event-patterns-pattern1.json", "state running", running, false));
        tests.add(pair("eb-event-patterns-pattern2.json", "source aws.fargate", fargate, true));
        tests.add(pair("eb-event-patterns-pattern2.json", "source aws.ecs", ecsTask, false));
        tests.add(pair("eb-event-patterns-pattern3.json", "responseElements null", launchWithNull, true));
        tests.add(pair("eb-event-patterns-pattern3.json", "responseElements absent: [null] matches only a null that is there", launch, false));
        tests.add(pair("eb-event-patterns-pattern4.json", "score 1, count 2", macie, true));
        tests.add(pair("eb-event-patterns-pattern4.json", "count 3", macieCount3, false));
        tests.add(pair("ecs-pattern1.json", "ECS Service Action", serviceAction, true));
        tests.add(pair("ecs-pattern1.json", "ECS Task State Change", ecsTask, false));
        tests.add(pair("ecs-pattern2.json", "ECS Deployment State Change", deployment, true));
        tests.add(pair("ecs-pattern2.json", "ECS Service Action", serviceAction, false));
        return tests.stream();
    }

    private static DynamicTest pair(String pattern, String what, ObjectNode event, boolean matches) {
        return dynamicTest(pattern + " " + (matches ? "matches " : "misses ") + what, () -> {
            assertThat(EventEnvelope.of(event)).isInstanceOf(EventEnvelope.class);
            TriggerIndex index = TriggerIndex.of(List.of(patternRunbook(pattern, Events.json(Events.corpus().resolve("patterns/" + pattern)))));
            assertThat(index.matches(event)).as(pattern + " on " + what).hasSize(matches ? 1 : 0);
            if (!matches) {
                assertThat(index.misses(event).get(0).reasons()).isNotEmpty();
            }
        });
    }

    // ---- event-ruler's correctness cases ------------------------------------------------------

    @TestFactory
    Stream<DynamicTest> event_rulers_correctness_cases_give_eventbridges_verdicts_through_one_trigger_index() {
        JsonNode cases = Events.tree(Events.corpus().resolve("patterns/" + CASES));
        assertThat(cases.isArray()).isTrue();
        List<String> names = new ArrayList<>();
        List<Runbook> runbooks = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            JsonNode testCase = cases.get(i);
            assertThat(testCase.fieldNames()).toIterable().containsExactlyInAnyOrder("name", "rule", "event");
            names.add(testCase.get("name").textValue());
            runbooks.add(patternRunbook("case-" + (i + 1) + ".md", testCase.get("rule")));
        }
        assertThat(names).as("every case has a verdict here, and every verdict a case")
                .containsExactlyInAnyOrderElementsOf(CASE_VERDICTS.keySet());
        TriggerIndex index = TriggerIndex.of(runbooks); // compiled once, matched 51 times
        assertThat(index.triggerCount()).isEqualTo(cases.size());
        return java.util.stream.IntStream.range(0, cases.size()).mapToObj(i -> {
            String name = names.get(i);
            return dynamicTest(name, () -> {
                boolean matched = index.matches(cases.get(i).get("event")).stream().anyMatch(m -> m.runbook() == runbooks.get(i));
                assertThat(matched).as(name + ": rule " + cases.get(i).get("rule") + " on " + cases.get(i).get("event"))
                        .isEqualTo(CASE_VERDICTS.get(name));
            });
        });
    }

    // ---- helpers ------------------------------------------------------------------------------

    /** A runbook whose one trigger is the pattern, as an author would write it (JSON is YAML). */
    private static Runbook patternRunbook(String name, JsonNode pattern) {
        LoadedRunbook loaded = TriggerValidationTest.load(name.replace(".json", ".md"), "---\ntriggers:\n  - pattern: " + pattern + "\n---\n\n```shell\ntrue\n```\n");
        assertThat(loaded.diagnostics().stream().filter(Diagnostic::isError).map(Diagnostic::toString).toList())
                .as(name + " loads without errors").isEmpty();
        assertThat(TriggerPatternCheck.problem(pattern)).as(name + " compiles").isEmpty();
        assertThat(loaded.runbook().triggers().get(0).patternJson()).as("YAML reads JSON as written").isEqualTo(pattern.toString());
        return loaded.runbook();
    }

    private static Stream<Path> files(Path folder) {
        try (Stream<Path> list = Files.list(folder)) {
            return list.filter(p -> p.toString().endsWith(".json")).sorted().toList().stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
