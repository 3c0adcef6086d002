package dev.opsbook.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.opsbook.engine.Fixtures;
import dev.opsbook.graph.LoadedRunbook;
import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.runbook.Runbook;
import dev.opsbook.steps.StandardSteps;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What {@code opsbook policy} prints, which calls count as read-only (the playbook guard and the
 * approval before a mutating call rest on it), and how service names resolve.
 */
class PolicyAndSafetyTest {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final AwsServices SERVICES = AwsServices.onClasspath();

    /** The policy exactly as {@code opsbook policy} prints it. */
    private static String policyOf(LoadedRunbook loaded) throws Exception {
        assertThat(loaded.diagnostics()).as(loaded.runbook().file()).isEmpty();
        return JSON.writeValueAsString(IamPolicy.of(loaded.runbook(), SERVICES));
    }

    @Test
    void the_ecs_rollback_runbook_needs_exactly_the_two_ecs_actions_it_calls() throws Exception {
        Path file = projectRoot().resolve("runbooks/ecs-rollback.md");
        LoadedRunbook loaded = new RunbookLoader(StandardSteps.all().catalog()).load(file);

        assertThat(policyOf(loaded)).isEqualTo("""
                {
                  "Version" : "2012-10-17",
                  "Statement" : [ {
                    "Sid" : "RunbookCalls",
                    "Effect" : "Allow",
                    "Action" : [ "ecs:DescribeServices", "ecs:UpdateService" ],
                    "Resource" : "*"
                  } ]
                }""");
    }

    @Test
    void roles_aliases_renamed_actions_and_secret_references_all_reach_the_policy() throws Exception {
        LoadedRunbook loaded = Fixtures.load("aws/roles-and-secrets.md");

        // logs, monitoring and events are aliases; lambda:Invoke and s3:ListObjectsV2 have other IAM names;
        // the wait and the assert with a call count like aws steps; each secret store adds its read action;
        // a role written with a template can be any role, so its resource is "*"
        assertThat(policyOf(loaded)).isEqualTo("""
                {
                  "Version" : "2012-10-17",
                  "Statement" : [ {
                    "Sid" : "RunbookCalls",
                    "Effect" : "Allow",
                    "Action" : [ "cloudwatch:DescribeAlarms", "events:PutEvents", "lambda:InvokeFunction", "logs:FilterLogEvents", \
                "s3:ListBucket", "sqs:GetQueueAttributes" ],
                    "Resource" : "*"
                  }, {
                    "Sid" : "ReadSsmParameters",
                    "Effect" : "Allow",
                    "Action" : "ssm:GetParameter",
                    "Resource" : [ "arn:aws:ssm:*:*:parameter/prod/pager/token" ]
                  }, {
                    "Sid" : "ReadSecrets",
                    "Effect" : "Allow",
                    "Action" : "secretsmanager:GetSecretValue",
                    "Resource" : [ "arn:aws:secretsmanager:*:*:secret:prod/orders/drain-token-??????" ]
                  }, {
                    "Sid" : "AssumeRunbookRoles",
                    "Effect" : "Allow",
                    "Action" : "sts:AssumeRole",
                    "Resource" : "*"
                  } ]
                }""");
    }

    @Test
    void notifications_escalations_and_secret_references_are_granted_on_their_own_resources() throws Exception {
        LoadedRunbook loaded = Fixtures.load("policy/tell-and-escalate.md");

        // the notify steps and the escalation publish to SNS (a templated topic can be any topic); each secret
        // reference is read from its own parameter or secret (Secrets Manager adds six random characters to a name)
        assertThat(policyOf(loaded)).isEqualTo("""
                {
                  "Version" : "2012-10-17",
                  "Statement" : [ {
                    "Sid" : "PublishNotifications",
                    "Effect" : "Allow",
                    "Action" : "sns:Publish",
                    "Resource" : "*"
                  }, {
                    "Sid" : "ReadSsmParameters",
                    "Effect" : "Allow",
                    "Action" : "ssm:GetParameter",
                    "Resource" : [ "arn:aws:ssm:*:*:parameter/opsbook/chat-hook" ]
                  }, {
                    "Sid" : "ReadSecrets",
                    "Effect" : "Allow",
                    "Action" : "secretsmanager:GetSecretValue",
                    "Resource" : [ "arn:aws:secretsmanager:*:*:secret:prod/orders/db-??????", \
                "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/api-key-AbCdEf" ]
                  } ]
                }""");
    }

    @Test
    void several_runbooks_make_one_policy_with_each_grant_once() throws Exception {
        Runbook describe = Fixtures.load("policy/more/describe.md").runbook();
        Runbook notify = Fixtures.load("aws/notify.md").runbook();

        JsonNode policy = IamPolicy.of(java.util.List.of(describe, notify, describe), SERVICES);

        assertThat(JSON.writeValueAsString(policy)).isEqualTo("""
                {
                  "Version" : "2012-10-17",
                  "Statement" : [ {
                    "Sid" : "RunbookCalls",
                    "Effect" : "Allow",
                    "Action" : [ "ec2:DescribeInstances" ],
                    "Resource" : "*"
                  }, {
                    "Sid" : "PublishNotifications",
                    "Effect" : "Allow",
                    "Action" : "sns:Publish",
                    "Resource" : [ "arn:aws:sns:eu-west-1:123456789012:oncall" ]
                  }, {
                    "Sid" : "AssumeRunbookRoles",
                    "Effect" : "Allow",
                    "Action" : "sts:AssumeRole",
                    "Resource" : [ "arn:aws:iam::210987654321:role/opsbook-reader" ]
                  } ]
                }""");
    }

    @Test
    void a_runbook_without_aws_calls_needs_no_permission() throws Exception {
        LoadedRunbook loaded = new RunbookLoader(StandardSteps.all().catalog()).load("local.md", """
                # Local only

                ```shell
                date -u
                ```
                """);

        JsonNode policy = IamPolicy.of(loaded.runbook(), SERVICES);

        assertThat(policy.toString()).isEqualTo("{\"Version\":\"2012-10-17\",\"Statement\":[]}");
    }

    @ParameterizedTest(name = "{0}:{1} needs {2}")
    @CsvSource({
            "ec2, DescribeInstances, ec2:DescribeInstances",
            "logs, FilterLogEvents, logs:FilterLogEvents",
            "elbv2, DescribeTargetHealth, elasticloadbalancing:DescribeTargetHealth",
            "rds, DescribeDBInstances, rds:DescribeDBInstances",
            "lambda, Invoke, lambda:InvokeFunction",
            "s3, ListObjectsV2, s3:ListBucket",
            "s3, HeadObject, s3:GetObject",
            "s3, ListBuckets, s3:ListAllMyBuckets",
            "s3, DeleteObjects, s3:DeleteObject",
            "s3, ListObjectVersions, s3:ListBucketVersions",
            "s3, GetBucketLifecycleConfiguration, s3:GetLifecycleConfiguration",
            "s3, GetPublicAccessBlock, s3:GetBucketPublicAccessBlock",
    })
    void each_call_needs_its_iam_action_under_the_name_iam_gives_it(String service, String operation, String action) {
        LoadedRunbook loaded = new RunbookLoader(StandardSteps.all().catalog()).load("one.md", """
                ```aws id=call
                service: %s
                operation: %s
                ```
                """.formatted(service, operation));

        JsonNode policy = IamPolicy.of(loaded.runbook(), SERVICES);

        assertThat(policy.at("/Statement/0/Action").toString()).isEqualTo("[\"" + action + "\"]");
    }

    @ParameterizedTest(name = "{0}:{1} read-only={2}")
    @CsvSource({
            // by the verb
            "ec2, DescribeInstances, true",
            "ec2, StopInstances, false",
            "ec2, RebootInstances, false",
            "ec2, CreateTags, false",
            "ecs, ListTaskDefinitions, true",
            "ecs, UpdateService, false",
            "lambda, GetFunctionConfiguration, true",
            "lambda, PutFunctionConcurrency, false",
            "dynamodb, Query, true",
            "dynamodb, Scan, true",
            "dynamodb, BatchGetItem, true",
            "dynamodb, TransactGetItems, true",
            "dynamodb, TransactWriteItems, false",
            "dynamodb, BatchWriteItem, false",
            "cloudwatchlogs, FilterLogEvents, true",
            "cloudformation, ValidateTemplate, true",
            "iam, SimulateCustomPolicy, true",
            "s3, HeadObject, true",
            "s3, SelectObjectContent, true",
            "sns, Publish, false",
            "sqs, PurgeQueue, false",
            "autoscaling, SetDesiredCapacity, false",
            // a verb counts only as a whole word: 'Checkpoint…' is not 'Check…'
            "lambda, CheckpointDurableExecution, false",
            "ec2, Listener, false",
            // the exceptions table, both ways
            "cloudwatchlogs, StartQuery, true",
            "cloudwatchlogs, StopQuery, true",
            "cloudformation, DetectStackDrift, true",
            "sts, AssumeRole, true",
            "iam, GenerateCredentialReport, true",
            "sqs, ReceiveMessage, false",
            "lambda, Invoke, false",
            "cloudformation, TestType, false",
            "sns, VerifySMSSandboxPhoneNumber, false",
            // names as in the API reference and as the SDK spells them mean the same operation
            "rds, DescribeDBInstances, true",
            "rds, DescribeDbInstances, true",
            "rds, RebootDBInstance, false",
            "sns, VerifySmsSandboxPhoneNumber, false",
            // the table is per service: another service's StartQuery is not read-only
            "dynamodb, StartQuery, false",
    })
    void operations_are_read_only_by_their_verb_unless_the_exceptions_table_says_otherwise(String service, String operation,
                                                                                            boolean readOnly) {
        assertThat(OperationSafety.isReadOnly(service, operation)).isEqualTo(readOnly);
    }

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
            "logs, cloudwatchlogs, logs",
            "cloudwatchlogs, cloudwatchlogs, logs",
            "events, eventbridge, events",
            "eventbridge, eventbridge, events",
            "elbv2, elasticloadbalancingv2, elasticloadbalancing",
            "elasticloadbalancingv2, elasticloadbalancingv2, elasticloadbalancing",
            "monitoring, cloudwatch, cloudwatch",
            "cloudwatch, cloudwatch, cloudwatch",
            "ec2, ec2, ec2",
            "secretsmanager, secretsmanager, secretsmanager",
    })
    void aliases_resolve_to_the_sdk_service_and_its_iam_prefix(String written, String service, String iamPrefix) {
        AwsService found = SERVICES.find(written).orElseThrow();

        assertThat(found.name()).isEqualTo(service);
        assertThat(found.iamPrefix()).isEqualTo(iamPrefix);
    }

    @Test
    void an_alias_is_the_same_service_and_unknown_names_are_not_found() {
        assertThat(SERVICES.find("logs").orElseThrow()).isSameAs(SERVICES.find("cloudwatchlogs").orElseThrow());
        assertThat(AwsServices.aliases()).containsOnlyKeys("logs", "events", "elbv2", "monitoring");
        assertThat(SERVICES.names()).doesNotContain("logs", "events", "elbv2", "monitoring", "sso", "ssooidc");
        assertThat(SERVICES.find("ec2s")).isEmpty();
        assertThat(SERVICES.find("EC2")).isEmpty();
        assertThat(SERVICES.find("../ec2")).isEmpty();
    }

    @Test
    void an_operation_is_found_by_its_api_reference_name_though_the_sdk_spells_acronyms_differently() {
        AwsService rds = SERVICES.find("rds").orElseThrow();
        AwsService iam = SERVICES.find("iam").orElseThrow();

        assertThat(rds.operation("DescribeDBInstances").orElseThrow().name()).isEqualTo("DescribeDBInstances");
        assertThat(rds.operation("DescribeDbInstances").orElseThrow().name()).isEqualTo("DescribeDBInstances");
        assertThat(iam.operation("ListMFADevices").orElseThrow().name()).isEqualTo("ListMFADevices");
        assertThat(SERVICES.find("ec2").orElseThrow().operationNames()).contains("DescribeInstances").doesNotContain("describeinstances");
        assertThat(rds.operation("DescribeDBInstance")).isEmpty();
    }

    @Test
    void an_operation_written_in_another_case_is_the_operation_the_api_reference_names_everywhere() throws Exception {
        LoadedRunbook loaded = new RunbookLoader(StandardSteps.all().catalog()).load("lower.md", """
                ---
                kind: playbook
                ---
                ```aws id=look
                service: ec2
                operation: describeinstances
                ```

                ```aws id=db
                service: rds
                operation: describeDbInstances
                ```
                """);

        // a warning naming the canonical spelling, and no error: in a playbook, a describe call only reads
        assertThat(loaded.diagnostics()).extracting(Object::toString).containsExactly(
                "lower.md:6:12: warning: operation 'describeinstances' of ec2 is written 'DescribeInstances' in the AWS API reference;"
                        + " write it so",
                "lower.md:11:12: warning: operation 'describeDbInstances' of rds is written 'DescribeDBInstances' in the AWS API reference;"
                        + " write it so");
        assertThat(IamPolicy.of(loaded.runbook(), SERVICES).at("/Statement/0/Action").toString())
                .isEqualTo("[\"ec2:DescribeInstances\",\"rds:DescribeDBInstances\"]");
        AwsInvoker invoker = new AwsInvoker(SERVICES, new AwsClients(AwsSettings.DEFAULTS));
        AwsCall call = AwsCall.from(loaded.runbook().step("look").orElseThrow().settings());
        assertThat(invoker.isReadOnly(call)).isTrue();
        assertThat(invoker.action(call)).isEqualTo("ec2:DescribeInstances");
    }

    @Test
    void a_mistyped_operation_is_an_error_that_suggests_the_nearest_name() {
        LoadedRunbook loaded = new RunbookLoader(StandardSteps.all().catalog()).load("typo.md", """
                ```aws id=look
                service: ec2
                operation: DescribeInstance
                ```
                """);

        assertThat(loaded.diagnostics()).extracting(Object::toString).containsExactly(
                "typo.md:3:12: error: unknown operation 'DescribeInstance' of ec2; did you mean 'DescribeInstances'?");
    }

    private static Path projectRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (!Files.exists(dir.resolve("pom.xml"))) {
            dir = dir.getParent();
        }
        return dir;
    }
}
