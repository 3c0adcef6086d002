package dev.opsbook.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code opsbook deploy rules}: the rules a folder of runbooks needs, merged, as JSON or CloudFormation; broken runbooks named where. */
class DeployRulesCommandTest {

    @TempDir
    Path dir;

    private Path write(String name, String triggers) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, "---\ntriggers:\n" + triggers.indent(2) + "---\n\n```shell\necho hi\n```\n");
        return file;
    }

    @Test
    void a_folder_of_runbooks_gives_one_rule_per_distinct_pattern_with_the_triggers_it_serves() throws Exception {
        write("stopped.md", "- pattern: { source: [aws.ec2], detail: { state: [stopped] } }");
        write("terminated.md", "- pattern: { source: [aws.ec2], detail: { state: [terminated] } }");
        write("alarm.md", "- pattern: { source: [aws.cloudwatch], detail-type: [CloudWatch Alarm State Change] }");
        write("alarm-again.md", "- pattern: { detail-type: [CloudWatch Alarm State Change], source: [aws.cloudwatch] }");
        write("by-hand.md", "[]");

        Commands.Result result = Commands.deploy("rules", dir.toString());

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        JsonNode rules = new ObjectMapper().readTree(result.stdout());
        assertThat(rules).hasSize(2);
        assertThat(rules.get(0).path("eventPattern").toString())
                .isEqualTo("{\"detail-type\":[\"CloudWatch Alarm State Change\"],\"source\":[\"aws.cloudwatch\"]}");
        assertThat(rules.get(0).path("triggers").findValuesAsText("runbook")).containsExactly("alarm-again", "alarm"); // files in name order: "-" before "."
        assertThat(rules.get(1).path("eventPattern").toString())
                .isEqualTo("{\"detail\":{\"state\":[\"stopped\",\"terminated\"]},\"source\":[\"aws.ec2\"]}");
        assertThat(rules.get(1).path("triggers").findValuesAsText("runbook")).containsExactly("stopped", "terminated");
    }

    @Test
    void as_cloudformation_each_rule_targets_the_queue_and_the_queue_takes_events_from_those_rules_only() throws Exception {
        write("stopped.md", "- pattern: { source: [aws.ec2], detail: { state: [stopped] } }");
        write("alarm.md", "- pattern: { source: [aws.cloudwatch] }");

        Commands.Result result = Commands.deploy("rules", dir.toString(), "--format", "cloudformation");

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        JsonNode resources = CloudFormationTemplates.parse(result.stdout());
        assertThat(resources.path("OpsbookRule1").path("Type").asText()).isEqualTo("AWS::Events::Rule");
        assertThat(resources.path("OpsbookRule1").at("/Properties/EventPattern").toString()).isEqualTo("{\"source\":[\"aws.cloudwatch\"]}");
        assertThat(resources.path("OpsbookRule2").at("/Properties/Targets/0/Arn").toString()).isEqualTo("{\"Fn::GetAtt\":[\"EventQueue\",\"Arn\"]}");
        assertThat(resources.path("OpsbookRule2").at("/Properties/Description").asText()).isEqualTo("opsbook: stopped trigger 1");
        assertThat(resources.path("EventQueuePolicy").at("/Properties/PolicyDocument/Statement/0/Condition/ArnEquals/aws:SourceArn").toString())
                .isEqualTo("[{\"Fn::GetAtt\":[\"OpsbookRule1\",\"Arn\"]},{\"Fn::GetAtt\":[\"OpsbookRule2\",\"Arn\"]}]");
        assertThat(result.stdout()).contains("Arn: !GetAtt EventQueue.Arn").contains("EventBusName: !Ref EventBusName");
    }

    @Test
    void a_pattern_eventbridge_cannot_take_is_widened_and_said_on_stderr_at_its_line() throws Exception {
        write("init.md", "- pattern: { source: [aws.ec2], detail: { state: [{ anything-but: { prefix: [init, pend] } }] } }");

        Commands.Result result = Commands.deploy("rules", dir.toString());

        assertThat(result.exitCode()).isZero();
        assertThat(new ObjectMapper().readTree(result.stdout()).get(0).path("eventPattern").toString()).isEqualTo("{\"source\":[\"aws.ec2\"]}");
        assertThat(result.stderr()).contains(dir.resolve("init.md") + ":3:").contains("warning:").contains("not a list of 2");
    }

    @Test
    void a_broken_runbook_is_named_at_its_line_and_column_and_nothing_is_printed() throws Exception {
        write("good.md", "- pattern: { source: [aws.ec2] }");
        write("broken.md", "- pattern: { source: [{ prefx: aws }] }");

        Commands.Result result = Commands.deploy("rules", dir.toString());

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stdout()).isEmpty();
        assertThat(result.stderr()).contains(dir.resolve("broken.md") + ":3:").contains("error:").contains("prefx");
    }

    @Test
    void two_runbooks_with_one_id_are_refused_as_serve_refuses_them() throws Exception {
        write("one.md", "- pattern: { source: [aws.ec2] }");
        Files.createDirectories(dir.resolve("more"));
        Files.writeString(dir.resolve("more/one.md"), Files.readString(dir.resolve("one.md")));

        Commands.Result result = Commands.deploy("rules", dir.toString());

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stderr()).contains("runbook id 'one' is also the id of");
    }

    @Test
    void a_missing_folder_is_an_error() {
        Commands.Result result = Commands.deploy("rules", dir.resolve("nope").toString());

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stderr()).contains("no such file or folder");
    }
}
