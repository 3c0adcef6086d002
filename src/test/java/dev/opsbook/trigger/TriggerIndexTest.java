package dev.opsbook.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.graph.LoadedRunbook;
import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.runbook.Runbook;
import dev.opsbook.steps.StandardSteps;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** One machine for every trigger; each match with its parameters mapped, or why they cannot be. */
class TriggerIndexTest {

    static final String STOPPED = """
            ---
            title: Start a stopped instance
            parameters:
              instanceId: { type: string, pattern: '^i-[0-9a-f]{8,17}$' }
              region: { type: string, default: us-east-1 }
              attempts: { type: integer, default: 1 }
              note: { type: string, required: false }
            triggers:
              - pattern: { source: [aws.ec2], detail-type: [EC2 Instance State-change Notification], detail: { state: [stopped] } }
                parameters: { instanceId: 'detail."instance-id"', region: region }
              - pattern: { source: [aws.ec2] }
                parameters: { instanceId: 'resources[0]' }
            ---

            ```shell
            echo "{{ params.instanceId }} {{ params.region }} {{ params.attempts }} {{ params.note }}"
            ```
            """;

    static final String TYPED = """
            ---
            parameters:
              count: { type: integer }
              ratio: { type: number, default: 0.5 }
              dry: { type: boolean, default: false }
              tags: { type: list, default: [] }
              token: { type: secret, required: false }
            triggers:
              - pattern: { source: [test.typed] }
                parameters: { count: detail.count, ratio: detail.ratio, dry: detail.dry, tags: detail.tags, token: detail.token }
            ---

            ```shell
            echo "{{ params.count }} {{ params.ratio }} {{ params.dry }} {{ params.tags }}"
            ```
            """;

    /** JSON numbers compare by text: 3 read from "3" is a BigInteger, 3 from YAML a long. */
    static String compact(String json) {
        return Events.json(json).toString();
    }

    static Runbook runbook(String name, String text) {
        LoadedRunbook loaded = TriggerValidationTest.load(name, text);
        assertThat(loaded.diagnostics()).as(name).isEmpty();
        return loaded.runbook();
    }

    static Runbook statusCheckFailed() throws IOException {
        Path file = Path.of("").toAbsolutePath().resolve("runbooks/library/ec2-status-check-failed.md");
        LoadedRunbook loaded = TriggerValidationTest.LOADER.load(file);
        assertThat(loaded.diagnostics()).isEmpty();
        return loaded.runbook();
    }

    static JsonNode typedEvent(String detail) {
        ObjectNode event = Events.json(Events.resource("ec2-state-change-stopped.json"));
        event.put("source", "test.typed");
        event.set("detail", Events.json(detail));
        return event;
    }

    @Test
    void the_shipped_status_check_runbook_starts_on_its_alarm_with_the_instance_region_and_alarm_of_the_event() throws IOException {
        TriggerIndex index = TriggerIndex.of(List.of(runbook("stopped.md", STOPPED), statusCheckFailed()));

        List<TriggerIndex.Match> runs = index.runs(Events.envelope("cloudwatch-alarm-status-check-failed.json"));

        assertThat(runs).hasSize(1);
        assertThat(runs.get(0).runbook().id()).isEqualTo("ec2-status-check-failed");
        assertThat(runs.get(0).triggerIndex()).isZero();
        assertThat(runs.get(0).parameters().toString()).isEqualTo(compact("{\"instanceId\": \"i-0abcd1234ef567890\", \"region\": \"eu-west-1\", \"alarm\": \"web-1-instance-status-check\"}"));
    }

    @Test
    void every_matching_trigger_is_listed_and_a_runbook_runs_once_by_its_first_trigger_that_maps() {
        Runbook stopped = runbook("stopped.md", STOPPED);
        TriggerIndex index = TriggerIndex.of(List.of(stopped));
        EventEnvelope event = Events.envelope("ec2-state-change-stopped.json");

        List<TriggerIndex.Match> matches = index.matches(event);

        assertThat(matches).extracting(TriggerIndex.Match::triggerIndex).containsExactly(0, 1);
        assertThat(matches.get(0).ok()).isTrue();
        assertThat(matches.get(0).parameters().toString()).isEqualTo(compact(
                "{\"instanceId\": \"i-0abcd1234ef567890\", \"region\": \"eu-west-1\", \"attempts\": 1, \"note\": null}"));
        assertThat(matches.get(1).problems()).containsExactly("parameter 'instanceId' from resources[0]:"
                + " 'arn:aws:ec2:eu-west-1:123456789012:instance/i-0abcd1234ef567890' does not match pattern '^i-[0-9a-f]{8,17}$'");
        assertThat(index.runs(event)).containsExactly(matches.get(0));
    }

    @Test
    void when_its_first_matching_trigger_cannot_map_a_later_one_starts_the_runbook() {
        Runbook stopped = runbook("stopped.md", STOPPED.replace("'detail.\"instance-id\"'", "detail.nothing"));
        TriggerIndex index = TriggerIndex.of(List.of(stopped));
        ObjectNode event = Events.json(Events.resource("ec2-state-change-stopped.json"));
        event.putArray("resources").add("i-0123456789abcdef0");

        List<TriggerIndex.Match> runs = index.runs(event);

        assertThat(runs).extracting(TriggerIndex.Match::triggerIndex).containsExactly(1);
        assertThat(runs.get(0).parameters().get("instanceId").textValue()).isEqualTo("i-0123456789abcdef0");
        assertThat(runs.get(0).parameters().get("region").textValue()).as("not mapped: its default").isEqualTo("us-east-1");
        assertThat(index.matches(event).get(0).problems()).containsExactly("parameter 'instanceId' from detail.nothing:"
                + " the expression finds nothing in the event, and the parameter is required and has no default");
    }

    @Test
    void a_mapping_that_finds_nothing_for_a_required_parameter_names_the_parameter_and_its_expression() throws IOException {
        TriggerIndex index = TriggerIndex.of(List.of(statusCheckFailed()));

        List<TriggerIndex.Match> matches = index.matches(Events.envelope("cloudwatch-alarm-bad-instance-id.json"));

        assertThat(matches).hasSize(1);
        assertThat(matches.get(0).problems()).containsExactly("parameter 'instanceId' from"
                + " detail.configuration.metrics[0].metricStat.metric.dimensions.InstanceId: the expression finds nothing in the event,"
                + " and the parameter is required and has no default");
        assertThat(index.runs(Events.envelope("cloudwatch-alarm-bad-instance-id.json"))).isEmpty();
    }

    @Test
    void mapped_values_are_typed_and_checked_like_param_options() {
        TriggerIndex index = TriggerIndex.of(List.of(runbook("typed.md", TYPED)));

        TriggerIndex.Match typed = index.matches(typedEvent(
                "{\"count\": \"3\", \"ratio\": 0.75, \"dry\": true, \"tags\": [\"a\", \"b\"], \"token\": \"s3cret\"}")).get(0);
        TriggerIndex.Match defaults = index.matches(typedEvent("{\"count\": 3}")).get(0);
        TriggerIndex.Match wrong = index.matches(typedEvent(
                "{\"count\": 1.5, \"ratio\": \"high\", \"dry\": \"yes\", \"tags\": {\"a\": 1}, \"token\": \"s3cret\"}")).get(0);

        assertThat(typed.parameters().toString()).isEqualTo(compact(
                "{\"count\": 3, \"ratio\": 0.75, \"dry\": true, \"tags\": [\"a\", \"b\"], \"token\": \"s3cret\"}"));
        assertThat(typed.parameters().get("count").isIntegralNumber()).isTrue();
        assertThat(defaults.parameters().toString()).isEqualTo(compact(
                "{\"count\": 3, \"ratio\": 0.5, \"dry\": false, \"tags\": [], \"token\": null}"));
        assertThat(wrong.problems()).containsExactly(
                "parameter 'count' from detail.count: 1.5 is not an integer",
                "parameter 'ratio' from detail.ratio: \"high\" is not a number",
                "parameter 'dry' from detail.dry: \"yes\" is not a boolean (true or false)",
                "parameter 'tags' from detail.tags: {\"a\":1} is not a list");
    }

    @Test
    void a_trigger_that_does_not_match_says_which_fields_of_its_pattern_the_event_fails() throws IOException {
        TriggerIndex index = TriggerIndex.of(List.of(runbook("stopped.md", STOPPED), statusCheckFailed()));
        EventEnvelope stopped = Events.envelope("ec2-state-change-stopped.json");

        List<TriggerIndex.Miss> misses = index.misses(stopped.raw());

        assertThat(misses).hasSize(1);
        assertThat(misses.get(0).runbook().id()).isEqualTo("ec2-status-check-failed");
        assertThat(misses.get(0).reasons()).containsExactly(
                "source is \"aws.ec2\"; the pattern wants [\"aws.cloudwatch\"]",
                "detail-type is \"EC2 Instance State-change Notification\"; the pattern wants [\"CloudWatch Alarm State Change\"]",
                "detail.state.value is not in the event; the pattern wants [\"ALARM\"]",
                "detail.configuration.metrics.metricStat.metric.namespace is not in the event; the pattern wants [\"AWS/EC2\"]",
                "detail.configuration.metrics.metricStat.metric.name is not in the event; the pattern wants [\"StatusCheckFailed\",\"StatusCheckFailed_Instance\",\"StatusCheckFailed_System\"]");
    }

    @Test
    void fields_that_match_only_in_different_elements_of_a_list_are_explained_too() {
        TriggerIndex index = TriggerIndex.of(List.of(runbook("pairs.md", """
                ---
                triggers:
                  - pattern: { source: [test.pairs], detail: { items: { name: [alice], status: [active] } } }
                ---

                ```shell
                true
                ```
                """)));
        ObjectNode event = (ObjectNode) typedEvent("{\"items\": [{\"name\": \"alice\"}, {\"status\": \"active\"}]}");
        event.put("source", "test.pairs");

        assertThat(index.matches(event)).isEmpty();
        assertThat(index.misses(event).get(0).reasons()).containsExactly("each field matches on its own, but not within one"
                + " element of a list: EventBridge matches the fields of objects in a list within the same element");
        ((ObjectNode) event.get("detail").get("items").get(0)).put("status", "active");
        assertThat(index.matches(event)).hasSize(1);
    }

    @Test
    void a_pattern_event_ruler_refuses_is_refused_when_the_index_is_built() {
        Runbook unchecked = new RunbookLoader(StandardSteps.all().catalog()).load("bad.md", """
                ---
                triggers:
                  - pattern: { source: [{ prefix: 1 }] }
                ---

                ```shell
                true
                ```
                """).runbook();

        assertThatThrownBy(() -> TriggerIndex.of(List.of(unchecked)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("bad.md:3:5: pattern of trigger 1 is not a valid EventBridge pattern: prefix match pattern must be a string");
    }

    @Test
    void an_event_is_a_json_object() {
        TriggerIndex index = TriggerIndex.of(List.of());

        assertThat(index.triggerCount()).isZero();
        assertThat(index.matches(Events.json("{\"source\": \"x\"}"))).isEmpty();
        assertThatThrownBy(() -> index.matches(Events.json("[1]"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void many_threads_can_match_against_one_index_at_once() throws Exception {
        TriggerIndex index = TriggerIndex.of(List.of(runbook("stopped.md", STOPPED), runbook("typed.md", TYPED), statusCheckFailed()));
        List<JsonNode> events = List.of(
                Events.envelope("ec2-state-change-stopped.json").raw(),
                Events.envelope("cloudwatch-alarm-status-check-failed.json").raw(),
                typedEvent("{\"count\": 7}"));
        List<List<TriggerIndex.Match>> expected = events.stream().map(index::matches).toList();
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int offset = t;
                results.add(threads.submit(() -> {
                    for (int i = 0; i < 300; i++) {
                        int e = (i + offset) % events.size();
                        if (!index.matches(events.get(e)).equals(expected.get(e))) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> result : results) {
                assertThat(result.get(60, TimeUnit.SECONDS)).isTrue();
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(expected).extracting(List::size).containsExactly(2, 1, 1);
    }
}
