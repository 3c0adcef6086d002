package dev.opsbook.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code opsbook events test}: EventBridge's TestEventPattern for every runbook at once, against the packaged CLI. */
class EventsTestCommandIT {

    @TempDir
    Path dir;

    static String event(String name) {
        return Cli.project("src/test/resources/events/" + name);
    }

    @Test
    void an_event_a_shipped_runbook_is_for_says_which_runs_with_which_parameters_and_exits_zero() throws Exception {
        Cli.Result result = Cli.run(Cli.PROJECT, "events", "test", event("cloudwatch-alarm-status-check-failed.json"));

        assertThat(result.exitCode()).as(result.all()).isZero();
        assertThat(result.stdout().lines().toList()).containsExactly(
                "Event: aws.cloudwatch / CloudWatch Alarm State Change (id 2d9e4c1a-8b7f-4a3e-b6d5-0f1e2d3c4b5a,"
                        + " account 123456789012, eu-west-1, 2025-06-12T09:20:41Z)",
                "Tested against 12 triggers in 10 of 18 runbooks.",
                "",
                "✅ would run ec2-status-check-failed, trigger 1 (runbooks/library/ec2-status-check-failed.md:21:5)",
                "     instanceId = \"i-0abcd1234ef567890\"",
                "     region = \"eu-west-1\"",
                "     alarm = \"web-1-instance-status-check\"",
                "",
                "1 runbook would run.");
        assertThat(result.stderr()).isEmpty();
    }

    @Test
    void an_event_no_trigger_matches_says_field_by_field_why_and_exits_one() throws Exception {
        Cli.Result result = Cli.run(Cli.PROJECT, "events", "test", event("ec2-state-change-stopped.json"), "runbooks");

        assertThat(result.exitCode()).as(result.all()).isEqualTo(1);
        assertThat(result.stdout()).contains(
                "No trigger matches this event.",
                "  ec2-status-check-failed, trigger 1 (runbooks/library/ec2-status-check-failed.md:21:5):",
                "     source is \"aws.ec2\"; the pattern wants [\"aws.cloudwatch\"]",
                "     detail.state.value is not in the event; the pattern wants [\"ALARM\"]",
                "No runbook would run.");
    }

    @Test
    void a_mapping_that_fails_names_the_parameter_and_its_expression_and_exits_one() throws Exception {
        Cli.Result result = Cli.run(Cli.PROJECT, "events", "test", event("cloudwatch-alarm-bad-instance-id.json"), "runbooks/library/ec2-status-check-failed.md");

        assertThat(result.exitCode()).as(result.all()).isEqualTo(1);
        assertThat(result.stdout()).contains(
                "❌ matches ec2-status-check-failed, trigger 1 (runbooks/library/ec2-status-check-failed.md:21:5), but cannot run:",
                "     parameter 'instanceId' from detail.configuration.metrics[0].metricStat.metric.dimensions.InstanceId:"
                        + " the expression finds nothing in the event, and the parameter is required and has no default",
                "No runbook would run.");
    }

    @Test
    void a_runbook_runs_once_per_event_even_when_several_of_its_triggers_match() throws Exception {
        Files.writeString(dir.resolve("restart.md"), """
                ---
                parameters:
                  instanceId: { type: string, pattern: '^i-' }
                  token: { type: secret, required: false }
                triggers:
                  - pattern: { source: [aws.ec2], detail: { state: [stopped] } }
                    parameters: { instanceId: 'detail."instance-id"', token: account }
                  - pattern: { source: [{ prefix: aws. }] }
                    parameters: { instanceId: 'detail."instance-id"' }
                ---

                ```shell
                echo "start {{ params.instanceId }}"
                ```
                """);

        Cli.Result result = Cli.run(dir, "events", "test", event("ec2-state-change-stopped.json"), "restart.md");

        assertThat(result.exitCode()).as(result.all()).isZero();
        assertThat(result.stdout()).contains(
                "✅ would run restart, trigger 1 (restart.md:6:5)",
                "     instanceId = \"i-0abcd1234ef567890\"",
                "     token = ********",
                "➖ also matches restart, trigger 2 (restart.md:8:5): it runs once for this event, by trigger 1",
                "1 runbook would run.");
        assertThat(result.stdout()).doesNotContain("123456789012\"");
    }

    @Test
    void a_malformed_event_is_rejected_with_the_field_at_fault_and_exits_two() throws Exception {
        Cli.Result notJson = Cli.run(Cli.PROJECT, "events", "test", event("malformed-not-json.json"));
        Cli.Result noType = Cli.run(Cli.PROJECT, "events", "test", event("malformed-no-detail-type.json"));
        Cli.Result missing = Cli.run(dir, "events", "test", "nowhere.json");

        assertThat(notJson.exitCode()).isEqualTo(2);
        assertThat(notJson.stderr()).contains("malformed-not-json.json: rejected: not JSON: Unexpected character ('}' (code 125)):"
                + " was expecting a colon to separate field name and value at line 1 column 24");
        assertThat(notJson.stdout()).isEmpty();
        assertThat(noType.exitCode()).isEqualTo(2);
        assertThat(noType.stderr()).contains("malformed-no-detail-type.json: rejected: field 'detail-type' is missing");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.stderr()).contains("nowhere.json: error: cannot read");
    }

    @Test
    void a_runbook_with_errors_or_a_missing_path_is_invalid_input_and_nothing_is_tested() throws Exception {
        Files.writeString(dir.resolve("bad.md"), """
                ---
                triggers:
                  - pattern: { source: [{ prefix: 1 }] }
                ---

                ```shell
                true
                ```
                """);

        Cli.Result result = Cli.run(dir, "events", "test", event("ec2-state-change-stopped.json"), "bad.md", "elsewhere");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stderr()).contains(
                "bad.md:3:35: error: pattern of trigger 1 is not a valid EventBridge pattern: prefix match pattern must be a string",
                "elsewhere: error: no such file or folder",
                "Nothing tested");
        assertThat(result.stdout()).isEmpty();
    }

    @Test
    void validate_reports_a_bad_pattern_at_its_line_and_column_with_event_rulers_message() throws Exception {
        Files.writeString(dir.resolve("bad.md"), """
                ---
                triggers:
                  - pattern:
                      source: [aws.ec2]
                      detail:
                        state: [{ anything-but: [stopped, 3] }]
                ---

                ```shell
                true
                ```
                """);

        Cli.Result result = Cli.run(dir, "validate", "bad.md");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stdout().lines().toList()).containsExactly("bad.md:6:43: error: pattern of trigger 1 is not a valid"
                + " EventBridge pattern: Inside anything but list, either all values are number or string, mixed type is not supported");
    }

    @Test
    void help_lists_events_test() throws Exception {
        Cli.Result top = Cli.run(dir, "--help");
        Cli.Result help = Cli.run(dir, "events", "test", "--help");

        assertThat(top.stdout()).contains("events");
        assertThat(help.exitCode()).isZero();
        assertThat(help.stdout()).contains("EVENT", "PATH", "TestEventPattern", "Exit status: 0 at least one runbook would run");
    }
}
