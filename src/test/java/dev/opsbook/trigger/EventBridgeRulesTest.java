package dev.opsbook.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.opsbook.graph.LoadedRunbook;
import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.runbook.Runbook;
import dev.opsbook.steps.StandardSteps;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.event.ruler.GenericMachine;

/** The rules that let exactly the events some trigger can match onto the queue: merged where that changes nothing, widened where EventBridge must. */
class EventBridgeRulesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static Runbook runbook(String file, String triggers) {
        LoadedRunbook loaded = new RunbookLoader(StandardSteps.all().catalog(), List.of(new TriggerPatternCheck())).load(file, """
                ---
                triggers:
                %s
                ---

                ```shell
                echo hi
                ```
                """.formatted(triggers.indent(2).stripTrailing()));
        assertThat(loaded.errors()).as(file).isEmpty();
        return loaded.runbook();
    }

    static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    @Test
    void triggers_meaning_the_same_make_one_rule_that_serves_both() throws Exception {
        Runbook a = runbook("a.md", "- pattern: { source: [aws.ec2], detail: { state: [stopped, terminated] } }");
        Runbook b = runbook("b.md", "- pattern: { detail: { state: [terminated, stopped, stopped] }, source: [aws.ec2] }");

        EventBridgeRules.Result result = EventBridgeRules.of(List.of(a, b));

        assertThat(result.rules()).hasSize(1);
        assertThat(result.rules().get(0).pattern()).isEqualTo(json("{\"detail\":{\"state\":[\"stopped\",\"terminated\"]},\"source\":[\"aws.ec2\"]}"));
        assertThat(result.rules().get(0).sources()).extracting(EventBridgeRules.Source::label).containsExactly("a trigger 1", "b trigger 1");
        assertThat(result.warnings()).isEmpty();
    }

    @Test
    void rules_that_differ_in_one_list_become_one_rule_matching_the_same_events() throws Exception {
        Runbook a = runbook("a.md", """
                - pattern: { source: [aws.ec2], detail-type: [EC2 Instance State-change Notification], detail: { state: [stopped] } }
                - pattern: { source: [aws.ec2], detail-type: [EC2 Instance State-change Notification], detail: { state: [terminated] } }""");
        Runbook b = runbook("b.md", "- pattern: { source: [aws.ec2], detail-type: [EC2 Instance State-change Notification], detail: { state: [{ prefix: shutting }] } }");

        EventBridgeRules.Result result = EventBridgeRules.of(List.of(a, b));

        assertThat(result.rules()).hasSize(1);
        assertThat(result.rules().get(0).sources()).extracting(EventBridgeRules.Source::label)
                .containsExactly("a trigger 1", "a trigger 2", "b trigger 1");
        for (String state : List.of("stopped", "terminated", "shutting-down", "running", "pending")) {
            JsonNode event = json("{\"source\":\"aws.ec2\",\"detail-type\":\"EC2 Instance State-change Notification\",\"detail\":{\"state\":\""
                    + state + "\"}}");
            assertThat(matches(result.rules().get(0).pattern(), event)).as(state)
                    .isEqualTo(!TriggerIndex.of(List.of(a, b)).matches(event).isEmpty());
        }
    }

    @Test
    void rules_that_differ_in_two_fields_stay_apart_since_one_rule_would_let_more_events_through() {
        Runbook a = runbook("a.md", """
                - pattern: { source: [aws.ec2], detail: { state: [stopped] } }
                - pattern: { source: [aws.ecs], detail: { state: [running] } }""");

        EventBridgeRules.Result result = EventBridgeRules.of(List.of(a));

        assertThat(result.rules()).hasSize(2);
        assertThat(result.rules()).extracting(r -> r.sources().get(0).label()).containsExactly("a trigger 1", "a trigger 2");
    }

    @Test
    void a_form_only_event_ruler_reads_is_written_as_eventbridge_takes_it_when_it_means_the_same() throws Exception {
        Runbook a = runbook("a.md", "- pattern: { source: [{ exactly: aws.ec2 }], detail: { state: [{ anything-but: { prefix: [init] } }] } }");

        EventBridgeRules.Result result = EventBridgeRules.of(List.of(a));

        assertThat(result.rules().get(0).pattern())
                .isEqualTo(json("{\"detail\":{\"state\":[{\"anything-but\":{\"prefix\":\"init\"}}]},\"source\":[\"aws.ec2\"]}"));
        assertThat(result.warnings()).isEmpty();
    }

    @Test
    void a_form_eventbridge_refuses_is_widened_there_and_said_at_its_line_and_column() throws Exception {
        Runbook a = runbook("a.md", """
                - pattern:
                    source: [aws.ec2]
                    detail:
                      state: [{ anything-but: { prefix: [init, pend] } }]""");

        EventBridgeRules.Result result = EventBridgeRules.of(List.of(a));

        assertThat(result.rules().get(0).pattern()).isEqualTo(json("{\"source\":[\"aws.ec2\"]}"));
        assertThat(result.warnings()).singleElement().asString()
                .startsWith("a.md:6:")
                .contains("warning: pattern of trigger 1: EventBridge takes one value in {\"anything-but\": {\"prefix\": ...}}, not a list of 2")
                .contains("opsbook still matches the pattern as written");
    }

    @Test
    void a_pattern_with_nothing_left_for_eventbridge_forwards_every_event_and_says_so() throws Exception {
        Runbook a = runbook("a.md", "- pattern: { source: [{ anything-but: { suffix: [.a, .b] } }] }");

        EventBridgeRules.Result result = EventBridgeRules.of(List.of(a));

        assertThat(result.rules().get(0).pattern()).isEqualTo(json(EventBridgePatterns.EVERY_EVENT));
        assertThat(result.warnings()).extracting(Object::toString).anyMatch(w -> w.contains("forwards every event"));
        assertThat(matches(result.rules().get(0).pattern(), json("{\"source\":\"anything.at.all\"}"))).isTrue();
    }

    @Test
    void runbooks_without_triggers_need_no_rule() {
        assertThat(EventBridgeRules.of(List.of(new RunbookLoader(StandardSteps.all().catalog()).load("plain.md", "# Plain\n").runbook())).rules())
                .isEmpty();
    }

    private static boolean matches(JsonNode pattern, JsonNode event) throws Exception {
        GenericMachine<String> machine = new GenericMachine<>();
        machine.addRule("rule", pattern.toString());
        return !new ArrayList<>(machine.rulesForJSONEvent(event)).isEmpty() && Set.of("rule").containsAll(machine.rulesForJSONEvent(event));
    }
}
