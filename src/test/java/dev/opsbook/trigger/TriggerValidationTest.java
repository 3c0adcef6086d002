package dev.opsbook.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsbook.graph.LoadedRunbook;
import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.runbook.Concurrency;
import dev.opsbook.runbook.Diagnostic;
import dev.opsbook.runbook.Position;
import dev.opsbook.runbook.Runbook;
import dev.opsbook.runbook.Trigger;
import dev.opsbook.steps.StandardSteps;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** triggers, concurrency, limits and escalation: read into the model, every mistake reported at its line and column. */
class TriggerValidationTest {

    static final RunbookLoader LOADER = new RunbookLoader(StandardSteps.all().catalog(), List.of(new TriggerPatternCheck()));

    static LoadedRunbook load(String name, String text) {
        return LOADER.load(name, text);
    }

    static List<String> diagnostics(String text) {
        return load("t.md", text).diagnostics().stream().map(Diagnostic::toString).toList();
    }

    @Test
    void a_runbook_with_triggers_reads_into_the_model_with_positions() {
        LoadedRunbook loaded = load("recover.md", """
                ---
                title: Recover
                parameters:
                  instanceId: { type: string, pattern: '^i-[0-9a-f]+$' }
                  region: { type: string, default: us-east-1 }
                triggers:
                  - pattern: { source: [aws.ec2], detail-type: [EC2 Instance State-change Notification], detail: { state: [stopped] } }
                    parameters: { instanceId: 'detail."instance-id"' }
                  - pattern:
                      source: [aws.cloudwatch]
                    parameters:
                      instanceId: "{{ detail.configuration.metrics[0].metricStat.metric.dimensions.InstanceId }}"
                      region: region
                concurrency: { key: "{{ params.instanceId }}", limit: 2, whenBusy: drop }
                limits: { maxRunsPerHour: 5 }
                escalation: { sns: "arn:aws:sns:us-east-1:123456789012:oncall", webhook: "https://hooks.example.com/{{ secret:ssm:/hooks/oncall }}" }
                ---

                ```shell
                echo {{ params.instanceId }}
                ```
                """);

        assertThat(loaded.diagnostics()).isEmpty();
        Runbook runbook = loaded.runbook();
        assertThat(runbook.triggers()).hasSize(2);
        Trigger first = runbook.triggers().get(0);
        assertThat(first.index()).isZero();
        assertThat(first.label()).isEqualTo("trigger 1");
        assertThat(first.position()).isEqualTo(new Position(7, 5));
        assertThat(first.patternJson()).isEqualTo(
                "{\"source\":[\"aws.ec2\"],\"detail-type\":[\"EC2 Instance State-change Notification\"],\"detail\":{\"state\":[\"stopped\"]}}");
        assertThat(first.parameters()).containsExactly(new Trigger.Mapping("instanceId", "detail.\"instance-id\"", new Position(8, 31)));
        Trigger second = runbook.triggers().get(1);
        assertThat(second.mapping("instanceId").orElseThrow().expression())
                .as("{{ }} around a mapping means the same as without").isEqualTo("detail.configuration.metrics[0].metricStat.metric.dimensions.InstanceId");
        assertThat(second.mapping("region").orElseThrow().expression()).isEqualTo("region");
        assertThat(runbook.positionOf(second.pointer() + "/pattern/source")).isEqualTo(new Position(10, 15));
        assertThat(runbook.concurrency()).contains(new Concurrency(Optional.of("{{ params.instanceId }}"), 2, Concurrency.WhenBusy.DROP,
                new Position(14, 14)));
        assertThat(runbook.limits().orElseThrow().maxRunsPerHour()).contains(5);
        assertThat(runbook.escalation().orElseThrow().sns()).contains("arn:aws:sns:us-east-1:123456789012:oncall");
        assertThat(runbook.escalation().orElseThrow().webhook()).contains("https://hooks.example.com/{{ secret:ssm:/hooks/oncall }}");
    }

    @Test
    void a_runbook_without_them_has_none_and_concurrency_defaults_to_one_run_queued() {
        Runbook plain = load("plain.md", "# Plain\n\n```shell\ntrue\n```\n").runbook();
        assertThat(plain.triggers()).isEmpty();
        assertThat(plain.concurrency()).isEmpty();
        assertThat(plain.limits()).isEmpty();
        assertThat(plain.escalation()).isEmpty();

        Runbook keyed = load("keyed.md", """
                ---
                concurrency: {}
                ---

                ```shell
                true
                ```
                """).runbook();
        Concurrency concurrency = keyed.concurrency().orElseThrow();
        assertThat(concurrency.key()).isEmpty();
        assertThat(concurrency.limit()).isEqualTo(1);
        assertThat(concurrency.whenBusy()).isEqualTo(Concurrency.WhenBusy.QUEUE);
    }

    @Test
    void every_mistake_is_reported_at_its_line_and_column() {
        List<String> diagnostics = diagnostics("""
                ---
                title: Broken triggers
                parameters:
                  instanceId: { type: string, pattern: '^i-' }
                  region: { type: string, default: us-east-1 }
                  mode: { type: string }
                triggers:
                  - pattern:
                      source: [aws.ec2]
                      detail:
                        state: [{ prefx: stop }]
                    parameters:
                      instanceID: detail."instance-id"
                      region: 'region[['
                      mode: [detail.mode]
                  - pattern: [aws.ec2]
                    parameters: { instanceId: detail.id, mode: detail.mode }
                  - pattern: { source: [{ numeric: [">", x] }], detail_type: [x] }
                    parameters: { instanceId: detail.id, mode: detail.mode }
                  - pattern: { source: [{ cidr: "10.0.0.0/99" }] }
                    parameters: { instanceId: event.detail.id, mode: detail.mode }
                  - parameters: detail.id
                    paramters: {}
                concurrency: { key: "{{ params.instanceid }}-{{ steps.x.outputs.y }}", limit: 0, whenBusy: wait }
                limits: { maxRunsPerHour: 0, perDay: 3 }
                escalation: { sns: "arn:aws:sqs:us-east-1:123456789012:x", webhook: "ftp://example.com/hook" }
                ---

                ```shell
                echo hi
                ```
                """);

        assertThat(diagnostics).containsExactly(
                "t.md:8:5: error: trigger 1 does not map the required parameters 'instanceId' and 'mode', which have no default,"
                        + " so an event could never start this runbook; map them under parameters: or give them defaults",
                "t.md:11:19: error: pattern of trigger 1 is not a valid EventBridge pattern: Unrecognized match type prefx",
                "t.md:13:7: error: trigger 1 maps 'instanceID', which is not a declared parameter; did you mean 'instanceId'?;"
                        + " parameters are instanceId, region, mode",
                "t.md:14:15: error: trigger 1, parameter 'region': invalid JMESPath 'region[[': cannot be read from '[['",
                "t.md:15:13: error: trigger 1, parameter 'mode': write a JMESPath expression over the event (a string), e.g. 'detail.state'",
                "t.md:16:14: error: pattern of trigger 2 must be a mapping (an EventBridge event pattern such as { source: [aws.ec2] }), not a list",
                "t.md:18:42: error: pattern of trigger 3 is not a valid EventBridge pattern: Value of > must be numeric",
                "t.md:18:49: warning: pattern of trigger 3 names 'detail_type', which is not a field of EventBridge events, so it never"
                        + " matches one; did you mean 'detail-type'?; event fields are version, id, detail-type, source, account, time,"
                        + " region, resources, detail, replay-name",
                "t.md:20:14: error: pattern of trigger 4 is not a valid EventBridge pattern: IPv4 mask bits must be < 32",
                "t.md:21:31: warning: trigger 4, parameter 'instanceId': the expression is read over the event itself, so 'event.'"
                        + " looks for a field named event; write e.g. detail.state, not event.detail.state",
                "t.md:22:5: error: trigger 5 needs pattern:, an EventBridge event pattern such as { source: [aws.ec2] }",
                "t.md:22:5: error: trigger 5 does not map the required parameters 'instanceId' and 'mode', which have no default,"
                        + " so an event could never start this runbook; map them under parameters: or give them defaults",
                "t.md:22:17: error: parameters of trigger 5 must map parameter names to JMESPath expressions over the event,"
                        + " e.g. { instanceId: 'detail.\"instance-id\"' }",
                "t.md:23:5: error: unknown key 'paramters' in trigger 5; did you mean 'parameters'?; a trigger takes parameters, pattern",
                "t.md:24:21: error: concurrency key: params.instanceid is not a declared parameter; did you mean 'instanceId'?;"
                        + " declare it under parameters: in the front matter",
                "t.md:24:21: error: concurrency key: steps.x is not known before the run starts; the key reads params and event",
                "t.md:24:79: error: concurrency limit must be a whole number of runs at once, 1 or more, not 0",
                "t.md:24:92: error: whenBusy must be 'queue' (wait for a running one to end) or 'drop' (do not run, escalate), not 'wait'",
                "t.md:25:27: error: maxRunsPerHour must be a whole number of runs, 1 or more, not 0",
                "t.md:25:30: error: unknown key 'perDay' in limits; limits takes maxItems, maxRunsPerHour",
                "t.md:26:20: error: sns must be the ARN of an SNS topic, e.g. arn:aws:sns:us-east-1:123456789012:oncall,"
                        + " not 'arn:aws:sqs:us-east-1:123456789012:x'",
                "t.md:26:69: error: webhook must be an http:// or https:// URL, not 'ftp://example.com/hook': its scheme is ftp");
    }

    @Test
    void the_keys_themselves_must_have_the_right_shape() {
        assertThat(diagnostics("""
                ---
                triggers: { pattern: { source: [aws.ec2] } }
                concurrency: 1
                limits: { perHour: 5 }
                escalation: {}
                ---

                ```shell
                true
                ```
                """)).containsExactly(
                "t.md:2:11: error: triggers must be a list, each entry a pattern and its parameters: - pattern: { source: [aws.ec2] }",
                "t.md:3:14: error: concurrency must be a mapping such as { key: \"{{ params.instanceId }}\", limit: 1, whenBusy: queue }",
                "t.md:4:9: error: limits needs maxRunsPerHour:, the most runs events may start in an hour, e.g. { maxRunsPerHour: 5 },"
                        + " or maxItems:, the most items a for-each step may have, e.g. { maxItems: 200 }",
                "t.md:4:11: error: unknown key 'perHour' in limits; limits takes maxItems, maxRunsPerHour",
                "t.md:5:13: error: escalation needs a channel: sns: (an SNS topic ARN), webhook: (an http(s) URL), pagerduty:"
                        + " (an Events API v2 routing key) or email: (addresses)");
    }

    @Test
    void an_empty_pattern_would_match_everything_and_is_an_error() {
        assertThat(diagnostics("""
                ---
                triggers:
                  - pattern: {}
                ---

                ```shell
                true
                ```
                """)).containsExactly(
                "t.md:3:14: error: pattern of trigger 1 is empty and would match every event; name at least the source, e.g. { source: [aws.ec2] }");
    }

    @Test
    void parameters_with_a_default_or_optional_need_no_mapping() {
        assertThat(diagnostics("""
                ---
                parameters:
                  region: { type: string, default: us-east-1 }
                  note: { type: string, required: false }
                triggers:
                  - pattern: { source: [aws.events], detail-type: [Scheduled Event] }
                ---

                ```shell
                echo "{{ params.region }} {{ params.note }}"
                ```
                """)).isEmpty();
    }

    @Test
    void event_ruler_patterns_with_every_kind_of_matcher_are_valid() {
        assertThat(diagnostics("""
                ---
                triggers:
                  - pattern:
                      source: [{ prefix: aws. }]
                      detail-type: [{ suffix: Notification }, { equals-ignore-case: "scheduled event" }]
                      resources: [{ wildcard: "arn:aws:ec2:*:instance/*" }]
                      detail:
                        state: [{ anything-but: [running, pending] }]
                        count: [{ numeric: [">", 0, "<=", 5] }]
                        ip: [{ cidr: 10.0.0.0/24 }]
                        gone: [{ exists: false }]
                        value: [null, true, 3]
                      $or:
                        - region: [eu-west-1]
                        - account: ["123456789012"]
                ---

                ```shell
                true
                ```
                """)).isEmpty();
    }

    @Test
    void the_pattern_syntax_is_checked_only_by_the_check_given_to_the_loader() {
        String text = """
                ---
                triggers:
                  - pattern: { source: [{ prefx: aws }] }
                ---

                ```shell
                true
                ```
                """;

        assertThat(new RunbookLoader(StandardSteps.all().catalog()).load("t.md", text).diagnostics())
                .as("the model does not know event-ruler").isEmpty();
        assertThat(diagnostics(text)).containsExactly(
                "t.md:3:27: error: pattern of trigger 1 is not a valid EventBridge pattern: Unrecognized match type prefx");
    }
}
