package dev.opsbook.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code opsbook policy --service}: what the identity serve runs as may do: its queue, its records, and what the runbooks need of it. */
class ServicePolicyCommandTest {

    static final String QUEUE = "https://sqs.eu-west-1.amazonaws.com/123456789012/opsbook-events";

    @TempDir
    Path dir;

    private String runbooks() throws Exception {
        Files.writeString(dir.resolve("reboot.md"), """
                ---
                title: Reboot under a role of its own, then look as the service
                ---

                ```aws id=reboot
                service: ec2
                operation: RebootInstances
                input: { InstanceIds: [i-0123456789abcdef0] }
                role: arn:aws:iam::123456789012:role/opsbook-ec2
                ```

                ```aws id=look needs=reboot
                service: ec2
                operation: DescribeInstanceStatus
                input: { InstanceIds: [i-0123456789abcdef0] }
                ```
                """);
        return dir.toString();
    }

    private static JsonNode statement(JsonNode policy, String sid) {
        for (JsonNode statement : policy.path("Statement")) {
            if (statement.path("Sid").asText().equals(sid)) {
                return statement;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    private static List<String> actions(JsonNode statement) {
        List<String> actions = new ArrayList<>();
        statement.path("Action").forEach(a -> actions.add(a.asText()));
        return actions;
    }

    @Test
    void the_service_reads_its_queue_writes_its_records_and_assumes_the_roles_steps_name_whose_calls_are_the_roles() throws Exception {
        Commands.Result result = Commands.policy(runbooks(), "--service", "--queue-url", QUEUE, "--record-dir", "s3://opsbook-records/prod/");

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        JsonNode policy = new ObjectMapper().readTree(result.stdout());
        assertThat(actions(statement(policy, "ReceiveEvents")))
                .containsExactly("sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage");
        assertThat(statement(policy, "ReceiveEvents").path("Resource").asText()).isEqualTo("arn:aws:sqs:eu-west-1:123456789012:opsbook-events");
        assertThat(actions(statement(policy, "WriteRecords"))).containsExactly("s3:PutObject");
        assertThat(statement(policy, "WriteRecords").path("Resource").asText()).isEqualTo("arn:aws:s3:::opsbook-records/prod/*");
        assertThat(statement(policy, "ListRecords").path("Resource").asText()).isEqualTo("arn:aws:s3:::opsbook-records");
        assertThat(actions(statement(policy, "ReadAlarms"))).containsExactly("cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource");
        assertThat(actions(statement(policy, "RunbookCalls"))).containsExactly("ec2:DescribeInstanceStatus");
        assertThat(statement(policy, "AssumeRunbookRoles").path("Resource").toString()).isEqualTo("[\"arn:aws:iam::123456789012:role/opsbook-ec2\"]");
    }

    @Test
    void without_service_the_policy_is_what_the_runbooks_need_all_of_their_calls_as_before() throws Exception {
        Commands.Result result = Commands.policy(runbooks());

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        JsonNode policy = new ObjectMapper().readTree(result.stdout());
        assertThat(actions(statement(policy, "RunbookCalls"))).containsExactly("ec2:DescribeInstanceStatus", "ec2:RebootInstances");
        assertThat(statement(policy, "ReceiveEvents").isMissingNode()).isTrue();
        assertThat(statement(policy, "ReadAlarms").isMissingNode()).isTrue();
    }

    @Test
    void records_kept_on_a_disk_need_no_s3_and_an_unnamed_queue_is_any_queue_said_on_stderr() throws Exception {
        Commands.Result result = Commands.policy(runbooks(), "--service", "--record-dir", "records");

        assertThat(result.exitCode()).isZero();
        JsonNode policy = new ObjectMapper().readTree(result.stdout());
        assertThat(statement(policy, "WriteRecords").isMissingNode()).isTrue();
        assertThat(statement(policy, "ReceiveEvents").path("Resource").asText()).isEqualTo("*");
        assertThat(result.stderr()).contains("no queue named");
    }

    @Test
    void a_queue_url_that_is_no_sqs_queue_is_refused_in_one_line() throws Exception {
        Commands.Result result = Commands.policy(runbooks(), "--service", "--queue-url", "http://localhost:9324/queue/x");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stdout()).isEmpty();
        assertThat(result.stderr().strip()).startsWith("error: --queue-url must be an SQS queue URL").doesNotContain("\n");
    }

    @Test
    void as_cloudformation_the_queue_and_bucket_are_the_template_s() throws Exception {
        Commands.Result result = Commands.policy(runbooks(), "--service", "--format", "cloudformation");

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stdout()).contains("Resource: !GetAtt EventQueue.Arn").contains("Resource: !Sub '${RecordBucket.Arn}/*'");
        JsonNode policy = CloudFormationTemplates.parse(result.stdout());
        assertThat(statement(policy, "ListRecords").path("Resource").toString()).isEqualTo("{\"Fn::GetAtt\":[\"RecordBucket\",\"Arn\"]}");
        assertThat(Commands.policy(runbooks(), "--format", "cloudformation").exitCode()).isEqualTo(2);
    }
}
