package dev.opsbook.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.notContaining;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.opsbook.engine.Engine;
import dev.opsbook.engine.FixtureRun;
import dev.opsbook.engine.Fixtures;
import dev.opsbook.engine.Interaction;
import dev.opsbook.engine.Role;
import dev.opsbook.engine.RunListener;
import dev.opsbook.engine.RunRequest;
import dev.opsbook.engine.RunResult;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.engine.StepExecution;
import dev.opsbook.record.MarkdownRecord;
import dev.opsbook.steps.StandardSteps;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** AWS steps against WireMock serving EC2 (query/XML), SSM (JSON) and Lambda (REST-JSON). */
class AwsStepsTest {

    private static final String INSTANCE = "i-0123456789abcdef0";

    @TempDir
    Path workDir;

    private WireMockServer aws;

    @BeforeAll
    static void credentials() {
        AwsFakes.fakeCredentials();
    }

    @BeforeEach
    void start() {
        aws = new WireMockServer(options().dynamicPort());
        aws.start();
    }

    @AfterEach
    void stop() {
        aws.stop();
    }

    private RunResult run(String fixture, Map<String, String> params, Interaction interaction) throws Exception {
        AwsSettings settings = new AwsSettings(Optional.of("eu-west-1"), Optional.empty(), Optional.of(URI.create(aws.baseUrl())));
        try (AwsClients clients = new AwsClients(settings)) {
            RunRequest request = new RunRequest(Fixtures.load(fixture), params, "tester", "test", interaction, Optional.empty(), workDir);
            return new Engine(StandardSteps.with(clients)).run(request, RunListener.NONE);
        }
    }

    private void ec2Describe() {
        aws.stubFor(post("/").withRequestBody(containing("Action=DescribeInstances")).withRequestBody(containing("Filter.1.Name"))
                .willReturn(AwsFakes.ec2Instances("req-describe", null, INSTANCE + ":stopped")));
        aws.stubFor(post("/").withRequestBody(containing("Action=DescribeInstances")).withRequestBody(containing("InstanceId.1"))
                .atPriority(10).willReturn(AwsFakes.ec2Instances("req-poll", null, INSTANCE + ":running")));
        aws.stubFor(post("/").withRequestBody(containing("Action=StartInstances"))
                .willReturn(AwsFakes.ec2("StartInstances", "req-start", "<instancesSet><item><instanceId>" + INSTANCE
                        + "</instanceId><currentState><code>0</code><name>pending</name></currentState></item></instancesSet>")));
        aws.stubFor(post("/").withRequestBody(containing("Action=StopInstances"))
                .willReturn(AwsFakes.ec2("StopInstances", "req-stop", "<instancesSet/>")));
    }

    @Test
    void a_runbook_calls_ec2_with_nested_input_and_the_record_shows_every_request_and_response() throws Exception {
        ec2Describe();
        aws.stubFor(post("/").withRequestBody(containing("Action=CreateTags"))
                .willReturn(AwsFakes.ec2("CreateTags", "req-tag", "<return>true</return>")));

        RunResult result = run("aws/ec2-recover.md", Map.of("instanceId", INSTANCE), Fixtures.answering(FixtureRun.Answers.YES));

        assertThat(result.state().status()).as(result.state().message()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(result.state().execution("describe").orElseThrow().outputs().path("state").asText()).isEqualTo("stopped");
        aws.verify(postRequestedFor(urlEqualTo("/")).withRequestBody(containing(
                "Filter.1.Name=instance-state-name&Filter.1.Value.1=stopped&Filter.1.Value.2=running")));
        aws.verify(postRequestedFor(urlEqualTo("/")).withRequestBody(containing("Tag.1.Key=recovered-by")));
        JsonNode call = result.state().execution("describe").orElseThrow().calls().get(0);
        assertThat(call.path("action").asText()).isEqualTo("ec2:DescribeInstances");
        assertThat(call.path("region").asText()).isEqualTo("eu-west-1");
        assertThat(call.path("requestId").asText()).isEqualTo("req-describe");
        assertThat(call.path("outcome").asText()).isEqualTo("ok");
        String record = MarkdownRecord.render(result);
        assertThat(record)
                .contains("`ec2:DescribeInstances` in eu-west-1 → HTTP 200, request id `req-describe`")
                .contains("\"InstanceId\" : \"" + INSTANCE + "\"")
                .contains("`ec2:CreateTags` in eu-west-1 → HTTP 200, request id `req-tag`");
    }

    @Test
    void a_call_with_an_idempotency_token_member_sends_one_derived_from_run_and_step_the_same_on_every_retry() throws Exception {
        aws.stubFor(post("/").withRequestBody(containing("Action=RunInstances")).inScenario("launch").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(AwsFakes.ec2Error(400, "InsufficientInstanceCapacity", "Try again later.", "req-busy"))
                .willSetStateTo("second"));
        aws.stubFor(post("/").withRequestBody(containing("Action=RunInstances")).inScenario("launch").whenScenarioStateIs("second")
                .willReturn(AwsFakes.ec2("RunInstances", "req-run", "<instancesSet/>")));

        RunResult result = run("aws/ec2-launch.md", Map.of(), Interaction.NOBODY);

        assertThat(result.state().status()).as(result.state().message()).isEqualTo(RunStatus.SUCCEEDED);
        String token = AwsInvoker.idempotencyToken("opsbook/" + result.state().runId() + "/launch");
        List<LoggedRequest> launches = aws.findAll(postRequestedFor(urlEqualTo("/")).withRequestBody(containing("Action=RunInstances")));
        assertThat(launches).hasSize(3);
        assertThat(launches.subList(0, 2)).as("the failed attempt and its retry carry one token")
                .allSatisfy(r -> assertThat(r.getBodyAsString()).contains("ClientToken=" + token));
        assertThat(token).hasSize(36);
        assertThat(launches.get(2).getBodyAsString()).as("a token the runbook sets is kept").contains("ClientToken=chosen-by-the-runbook");
        assertThat(result.state().execution("launch").orElseThrow().calls().get(0).path("request").path("ClientToken").asText()).isEqualTo(token);
    }

    @Test
    void a_service_error_keeps_its_code_and_request_id_and_triggers_the_rollback() throws Exception {
        ec2Describe();
        aws.stubFor(post("/").withRequestBody(containing("Action=CreateTags"))
                .willReturn(AwsFakes.ec2Error(403, "UnauthorizedOperation", "You are not authorized to perform this operation.", "req-denied")));

        RunResult result = run("aws/ec2-recover.md", Map.of("instanceId", INSTANCE), Fixtures.answering(FixtureRun.Answers.YES));

        assertThat(result.state().status()).isEqualTo(RunStatus.FAILED);
        StepExecution tag = result.state().execution("tag").orElseThrow();
        assertThat(tag.message()).isEqualTo("ec2:CreateTags failed: UnauthorizedOperation (HTTP 403): "
                + "You are not authorized to perform this operation. [request id req-denied]");
        assertThat(tag.result().path("Error").path("Code").asText()).isEqualTo("UnauthorizedOperation");
        assertThat(result.state().executions().values()).filteredOn(x -> x.role() == Role.ROLLBACK)
                .extracting(StepExecution::stepId).containsExactly("stop-again");
        aws.verify(1, postRequestedFor(urlEqualTo("/")).withRequestBody(containing("Action=StopInstances")));
    }

    @Test
    void throttling_is_retried_with_backoff_until_the_call_goes_through() throws Exception {
        ec2Describe();
        aws.stubFor(post("/").withRequestBody(containing("Action=StartInstances")).inScenario("throttled")
                .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("once")
                .willReturn(AwsFakes.ec2Error(503, "RequestLimitExceeded", "Request limit exceeded.", "req-throttled")));
        aws.stubFor(post("/").withRequestBody(containing("Action=CreateTags"))
                .willReturn(AwsFakes.ec2("CreateTags", "req-tag", "<return>true</return>")));
        aws.stubFor(post("/").withRequestBody(containing("Action=StartInstances")).inScenario("throttled")
                .whenScenarioStateIs("once")
                .willReturn(AwsFakes.ec2("StartInstances", "req-start", "<instancesSet/>")));

        RunResult result = run("aws/ec2-recover.md", Map.of("instanceId", INSTANCE), Fixtures.answering(FixtureRun.Answers.YES));

        assertThat(result.state().status()).as(result.state().message()).isEqualTo(RunStatus.SUCCEEDED);
        aws.verify(2, postRequestedFor(urlEqualTo("/")).withRequestBody(containing("Action=StartInstances")));
        assertThat(result.state().execution("start").orElseThrow().calls().get(0).path("requestId").asText()).isEqualTo("req-start");
    }

    @Test
    void a_wait_that_never_sees_its_condition_fails_with_the_last_response_and_rolls_back() throws Exception {
        ec2Describe();
        aws.stubFor(post("/").withRequestBody(containing("Action=DescribeInstances")).withRequestBody(notContaining("Filter.1"))
                .atPriority(1).willReturn(AwsFakes.ec2Instances("req-pending", null, INSTANCE + ":pending")));

        RunResult result = run("aws/ec2-recover.md", Map.of("instanceId", INSTANCE), Fixtures.answering(FixtureRun.Answers.YES));

        assertThat(result.state().status()).isEqualTo(RunStatus.FAILED);
        StepExecution wait = result.state().execution("running").orElseThrow();
        assertThat(wait.message()).startsWith("gave up after 1.0 s and ").endsWith(
                "calls: Reservations[0].Instances[0].State.Name == 'running' never held; the last response is below");
        assertThat(wait.calls().size()).isGreaterThan(2);
        assertThat(wait.result().at("/Reservations/0/Instances/0/State/Name").asText()).isEqualTo("pending");
        assertThat(result.state().executions().values()).filteredOn(x -> x.role() == Role.ROLLBACK)
                .extracting(StepExecution::stepId).containsExactly("stop-again");
    }

    @Test
    void paginate_merges_every_page_into_one_response() throws Exception {
        aws.stubFor(post("/").withRequestBody(containing("Action=DescribeInstances")).atPriority(5)
                .willReturn(AwsFakes.ec2Instances("req-page1", "page-2", "i-00000000000000001:running")));
        aws.stubFor(post("/").withRequestBody(containing("NextToken=page-2")).atPriority(1)
                .willReturn(AwsFakes.ec2Instances("req-page2", null, "i-00000000000000002:stopped")));

        RunResult result = run("aws/paginate.md", Map.of(), Fixtures.answering(FixtureRun.Answers.YES));

        assertThat(result.state().status()).as(result.state().message()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(result.state().execution("all").orElseThrow().outputs().path("ids").toString())
                .isEqualTo("[\"i-00000000000000001\",\"i-00000000000000002\"]");
        assertThat(result.state().execution("all").orElseThrow().calls().get(0).path("pages").asInt()).isEqualTo(2);
        assertThat(result.state().execution("all").orElseThrow().result().has("NextToken"))
                .as("the first page's token is not the merged response's").isFalse();
        assertThat(result.state().execution("all").orElseThrow().result().at("/ResponseMetadata/RequestId").asText()).isEqualTo("req-page2");
    }

    private void ssmAndLambda() {
        aws.stubFor(post("/").withHeader("X-Amz-Target", equalTo("AmazonSSM.GetParameter"))
                .willReturn(AwsFakes.json("req-ssm", "{\"Parameter\":{\"Name\":\"/app/flag\",\"Type\":\"String\",\"Value\":\"on\",\"Version\":3}}")));
        aws.stubFor(get(urlPathEqualTo("/2015-03-31/functions/my-fn/configuration"))
                .willReturn(AwsFakes.rest(200, "req-conf", "{\"FunctionName\":\"my-fn\",\"State\":\"Active\",\"MemorySize\":512,\"LastModified\":\"2026-11-20T10:00:00.000+0000\"}")));
        aws.stubFor(get(urlPathEqualTo("/2019-09-30/functions/my-fn/concurrency"))
                .willReturn(AwsFakes.rest(200, "req-conc", "{\"ReservedConcurrentExecutions\":5}")));
        aws.stubFor(put(urlPathEqualTo("/2017-10-31/functions/my-fn/concurrency"))
                .willReturn(AwsFakes.rest(200, "req-put", "{\"ReservedConcurrentExecutions\":10}")));
    }

    @Test
    void json_and_rest_services_work_the_same_way_and_a_playbook_asks_before_it_mutates() throws Exception {
        ssmAndLambda();

        RunResult result = run("aws/ssm-lambda.md", Map.of(), Fixtures.answering(FixtureRun.Answers.YES));

        assertThat(result.state().status()).as(result.state().message()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(result.state().execution("param").orElseThrow().outputs().path("value").asText()).isEqualTo("on");
        JsonNode function = result.state().execution("function").orElseThrow().outputs();
        assertThat(function.path("state").asText()).isEqualTo("Active");
        assertThat(function.path("memory").asInt()).isEqualTo(512);
        aws.verify(putRequestedFor(urlPathEqualTo("/2017-10-31/functions/my-fn/concurrency"))
                .withRequestBody(equalTo("{\"ReservedConcurrentExecutions\":10}")));
        aws.verify(getRequestedFor(urlPathEqualTo("/2019-09-30/functions/my-fn/concurrency")));
    }

    @Test
    void who_approved_a_playbooks_mutating_call_is_kept_with_the_call() throws Exception {
        ssmAndLambda();
        List<JsonNode> trail = new java.util.ArrayList<>();
        AwsSettings settings = new AwsSettings(Optional.of("eu-west-1"), Optional.empty(), Optional.of(URI.create(aws.baseUrl())));
        RunResult result;
        try (AwsClients clients = new AwsClients(settings); dev.opsbook.audit.AuditTrail audit = dev.opsbook.audit.AuditTrail.create(workDir.resolve("run.audit.jsonl"))) {
            var loaded = Fixtures.load("aws/ssm-lambda.md");
            var log = new dev.opsbook.audit.AuditLog(audit, loaded.runbook());
            result = new Engine(StandardSteps.with(clients)).run(new RunRequest(loaded, Map.of(), "tester", "test",
                    Fixtures.answering(FixtureRun.Answers.YES), Optional.empty(), workDir), log);
        }
        for (String line : java.nio.file.Files.readAllLines(workDir.resolve("run.audit.jsonl"))) {
            trail.add(new com.fasterxml.jackson.databind.ObjectMapper().readTree(line));
        }

        assertThat(result.state().status()).as(result.state().message()).isEqualTo(RunStatus.SUCCEEDED);
        JsonNode call = result.state().execution("raise-limit").orElseThrow().calls().get(0);
        assertThat(call.path("approval").path("approved").asBoolean()).isTrue();
        assertThat(call.path("approval").path("by").asText()).isEqualTo("alice");
        assertThat(trail).filteredOn(e -> e.path("type").asText().equals("call") && e.at("/data/step").asText().equals("raise-limit"))
                .singleElement().satisfies(e -> assertThat(e.at("/data/approval/by").asText()).isEqualTo("alice"));
        assertThat(result.state().execution("function").orElseThrow().calls().get(0).has("approval")).isFalse();
    }

    @Test
    void a_playbooks_mutating_call_waits_for_an_approval_and_makes_no_call_without_one() throws Exception {
        ssmAndLambda();

        RunResult result = run("aws/ssm-lambda.md", Map.of(), Interaction.NOBODY);

        assertThat(result.state().status()).isEqualTo(RunStatus.WAITING);
        assertThat(result.state().execution("raise-limit").orElseThrow().message()).startsWith("a mutating call in a playbook needs an approval");
        aws.verify(0, putRequestedFor(urlPathEqualTo("/2017-10-31/functions/my-fn/concurrency")));
    }

    @Test
    void a_rejected_mutating_call_in_a_playbook_is_not_made() throws Exception {
        ssmAndLambda();

        RunResult result = run("aws/ssm-lambda.md", Map.of(), Fixtures.answering(FixtureRun.Answers.NO));

        assertThat(result.state().status()).isEqualTo(RunStatus.FAILED);
        assertThat(result.state().execution("raise-limit").orElseThrow().message()).isEqualTo("the mutating call was not approved: rejected by bob: not today");
        aws.verify(0, putRequestedFor(urlPathEqualTo("/2017-10-31/functions/my-fn/concurrency")));
    }

    @Test
    void the_playbook_guard_rejects_a_mutating_call_without_mutating_true() throws Exception {
        String text = Fixtures.load("aws/ssm-lambda.md").runbook().text().replace("mutating: true\n", "");
        var loaded = new dev.opsbook.graph.RunbookLoader(StandardSteps.all().catalog()).load("guard.md", text);

        assertThat(loaded.errors()).extracting(Object::toString).containsExactly(
                "guard.md:31:12: error: this playbook only investigates, but lambda:PutFunctionConcurrency changes things;"
                        + " if that is intended, add 'mutating: true' to the step (it will then ask for approval before it runs)");
    }

    private static final String BADLY_PACED_WAIT = """
            ---
            title: Badly paced
            parameters:
              every: { type: string, default: soon }
            ---

            ```wait id=fixed
            service: ec2
            operation: DescribeInstances
            until: Reservations
            interval: 15 s
            backoff: 0.5
            maxInterval: 0s
            ```

            ```wait id=templated
            service: ec2
            operation: DescribeInstances
            until: Reservations
            interval: "{{ params.every }}"
            ```
            """;

    @Test
    void a_wait_paced_by_something_that_is_not_a_duration_is_invalid_instead_of_polling_at_the_default_pace() {
        var loaded = new dev.opsbook.graph.RunbookLoader(StandardSteps.all().catalog()).load("paced.md", BADLY_PACED_WAIT);

        assertThat(loaded.errors()).extracting(Object::toString).containsExactly(
                "paced.md:11:11: error: interval '15 s' is not a duration; write e.g. 500ms, 30s, 5m or 1h30m",
                "paced.md:12:10: error: backoff must be a number of at least 1 (each wait is the one before times it), not '0.5'",
                "paced.md:13:14: error: maxInterval must be longer than 0");
    }

    @Test
    void a_wait_whose_templated_interval_is_not_a_duration_fails_without_calling() throws Exception {
        String text = BADLY_PACED_WAIT.substring(0, BADLY_PACED_WAIT.indexOf("```wait id=fixed"))
                + BADLY_PACED_WAIT.substring(BADLY_PACED_WAIT.indexOf("```wait id=templated"));
        var loaded = new dev.opsbook.graph.RunbookLoader(StandardSteps.all().catalog()).load("paced.md", text);
        assertThat(loaded.diagnostics()).isEmpty();
        AwsSettings settings = new AwsSettings(Optional.of("eu-west-1"), Optional.empty(), Optional.of(URI.create(aws.baseUrl())));

        RunResult result;
        try (AwsClients clients = new AwsClients(settings)) {
            result = new Engine(StandardSteps.with(clients)).run(new RunRequest(loaded, Map.of(), "tester", "test",
                    Fixtures.answering(FixtureRun.Answers.YES), Optional.empty(), workDir), RunListener.NONE);
        }

        assertThat(result.state().status()).isEqualTo(RunStatus.FAILED);
        assertThat(result.state().execution("templated").orElseThrow().message())
                .isEqualTo("interval 'soon' is not a duration; write e.g. 500ms, 30s, 5m or 1h30m");
        aws.verify(0, postRequestedFor(urlEqualTo("/")));
    }

    @Test
    void a_named_profile_gives_its_region_and_endpoint_as_well_as_its_keys(@TempDir Path home) throws Exception {
        assumeTrue(System.getenv("AWS_REGION") == null && System.getenv("AWS_DEFAULT_REGION") == null
                && System.getenv("AWS_ENDPOINT_URL") == null && System.getenv("AWS_ENDPOINT_URL_SSM") == null,
                "the environment names a region or an endpoint, which win over a profile's");
        Path config = home.resolve("config");
        java.nio.file.Files.writeString(config, "[profile game-day]\nregion = eu-north-1\nendpoint_url = " + aws.baseUrl()
                + "\naws_access_key_id = AKIAGAMEDAY\naws_secret_access_key = game-day-secret\n");
        aws.stubFor(post("/").withHeader("X-Amz-Target", equalTo("AmazonSSM.GetParameter"))
                .willReturn(AwsFakes.json("req-ssm", "{\"Parameter\":{\"Name\":\"/app/flag\",\"Value\":\"on\"}}")));
        Map<String, String> saved = new java.util.HashMap<>();
        for (String property : List.of("aws.configFile", "aws.sharedCredentialsFile")) {
            saved.put(property, System.getProperty(property));
        }
        System.setProperty("aws.configFile", config.toString());
        System.setProperty("aws.sharedCredentialsFile", home.resolve("credentials").toString());
        try (AwsClients clients = new AwsClients(new AwsSettings(Optional.empty(), Optional.of("game-day"), Optional.empty()))) {
            assertThat(clients.region(Optional.empty())).isEqualTo("eu-north-1");

            AwsInvoker.Outcome outcome = new AwsInvoker(AwsServices.onClasspath(), clients).invoke(new AwsCall("ssm", "GetParameter",
                    com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("Name", "/app/flag"),
                    Optional.empty(), Optional.empty(), false), "opsbook-test");

            assertThat(outcome.ok()).as(outcome.message()).isTrue();
            aws.verify(postRequestedFor(urlEqualTo("/"))
                    .withHeader("Authorization", containing("Credential=AKIAGAMEDAY/"))
                    .withHeader("Authorization", containing("/eu-north-1/ssm/aws4_request")));
        } finally {
            saved.forEach((property, value) -> {
                if (value == null) {
                    System.clearProperty(property);
                } else {
                    System.setProperty(property, value);
                }
            });
        }
    }

    private static final String SAME_ROLE_TWICE = """
            ---
            title: Two steps, one role
            ---

            ```aws id=look
            service: ec2
            operation: DescribeInstances
            role: arn:aws:iam::210987654321:role/opsbook-operator
            input: { InstanceIds: [i-0123456789abcdef0] }
            ```

            ```aws id=stop
            service: ec2
            operation: StopInstances
            role: arn:aws:iam::210987654321:role/opsbook-operator
            input: { InstanceIds: [i-0123456789abcdef0] }
            ```
            """;

    @Test
    void each_step_assumes_its_role_in_a_session_named_after_the_run_and_the_step() throws Exception {
        aws.stubFor(post("/").withRequestBody(containing("Action=AssumeRole")).willReturn(com.github.tomakehurst.wiremock.client.WireMock
                .aResponse().withStatus(200).withHeader("Content-Type", "text/xml").withBody("""
                        <AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials>
                        <AccessKeyId>ASIAOPSBOOKROLE</AccessKeyId><SecretAccessKey>role-secret</SecretAccessKey>
                        <SessionToken>role-token</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials>
                        <AssumedRoleUser><Arn>arn:aws:sts::210987654321:assumed-role/opsbook-operator/s</Arn>
                        <AssumedRoleId>AROAOPSBOOK:s</AssumedRoleId></AssumedRoleUser></AssumeRoleResult>
                        <ResponseMetadata><RequestId>req-assume</RequestId></ResponseMetadata></AssumeRoleResponse>""")));
        ec2Describe();
        var loaded = new dev.opsbook.graph.RunbookLoader(StandardSteps.all().catalog()).load("roles.md", SAME_ROLE_TWICE);
        AwsSettings settings = new AwsSettings(Optional.of("eu-west-1"), Optional.empty(), Optional.of(URI.create(aws.baseUrl())));

        RunResult result;
        try (AwsClients clients = new AwsClients(settings)) {
            result = new Engine(StandardSteps.with(clients), java.time.Clock.systemUTC(), () -> "20261123-030000-abcd",
                    dev.opsbook.engine.SecretResolver.NONE).run(new RunRequest(loaded, Map.of(), "tester", "test",
                    Fixtures.answering(FixtureRun.Answers.YES), Optional.empty(), workDir), RunListener.NONE);
        }

        assertThat(result.state().status()).as(result.state().message()).isEqualTo(RunStatus.SUCCEEDED);
        aws.verify(1, postRequestedFor(urlEqualTo("/")).withRequestBody(containing("RoleSessionName=opsbook-20261123-030000-abcd-look")));
        aws.verify(1, postRequestedFor(urlEqualTo("/")).withRequestBody(containing("RoleSessionName=opsbook-20261123-030000-abcd-stop")));
        aws.verify(2, postRequestedFor(urlEqualTo("/")).withRequestBody(containing("Action=DescribeInstances").or(containing("Action=StopInstances")))
                .withHeader("Authorization", containing("Credential=ASIAOPSBOOKROLE/")));
    }

    @Test
    void a_step_with_a_role_assumes_it_with_a_session_named_after_the_run_and_calls_with_its_credentials() throws Exception {
        aws.stubFor(post("/").withRequestBody(containing("Action=AssumeRole")).willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse()
                .withStatus(200).withHeader("Content-Type", "text/xml").withBody(
                        "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult><Credentials>"
                                + "<AccessKeyId>ASIAASSUMEDROLE</AccessKeyId><SecretAccessKey>assumed-secret</SecretAccessKey>"
                                + "<SessionToken>assumed-token</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials>"
                                + "<AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/remediator/s</Arn><AssumedRoleId>AROA:s</AssumedRoleId>"
                                + "</AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>req-assume</RequestId></ResponseMetadata></AssumeRoleResponse>")));
        aws.stubFor(post("/").withRequestBody(containing("Action=DescribeInstances"))
                .willReturn(AwsFakes.ec2Instances("req-describe", null, INSTANCE + ":running")));

        RunResult result = run("aws/role.md", Map.of(), Fixtures.answering(FixtureRun.Answers.YES));

        assertThat(result.state().status()).as(result.state().message()).isEqualTo(RunStatus.SUCCEEDED);
        aws.verify(postRequestedFor(urlEqualTo("/")).withRequestBody(containing("Action=AssumeRole"))
                .withRequestBody(containing("RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fremediator"))
                .withRequestBody(containing("RoleSessionName=opsbook-" + result.state().runId() + "-describe")));
        aws.verify(postRequestedFor(urlEqualTo("/")).withRequestBody(containing("Action=DescribeInstances"))
                .withHeader("Authorization", containing("Credential=ASIAASSUMEDROLE/"))
                .withHeader("X-Amz-Security-Token", equalTo("assumed-token")));
        assertThat(result.state().execution("describe").orElseThrow().calls().get(0).path("role").asText())
                .isEqualTo("arn:aws:iam::123456789012:role/remediator");
    }

    @Test
    void notify_publishes_to_sns_and_posts_to_a_webhook() throws Exception {
        aws.stubFor(post("/").withRequestBody(containing("Action=Publish")).willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse()
                .withStatus(200).withHeader("Content-Type", "text/xml").withBody("<PublishResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\">"
                        + "<PublishResult><MessageId>msg-1</MessageId></PublishResult><ResponseMetadata><RequestId>req-sns</RequestId>"
                        + "</ResponseMetadata></PublishResponse>")));
        aws.stubFor(post("/hook").willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse().withStatus(204)));

        RunResult result = run("aws/notify.md", Map.of("hook", aws.baseUrl() + "/hook"), Fixtures.answering(FixtureRun.Answers.YES));

        assertThat(result.state().status()).as(result.state().message()).isEqualTo(RunStatus.SUCCEEDED);
        aws.verify(postRequestedFor(urlEqualTo("/")).withRequestBody(containing("TopicArn=arn%3Aaws%3Asns%3Aeu-west-1%3A123456789012%3Aoncall"))
                .withRequestBody(containing("Subject=Disk+almost+full+on+web-1")));
        aws.verify(postRequestedFor(urlEqualTo("/hook")).withRequestBody(containing("\"subject\":\"Disk almost full on web-1\""))
                .withRequestBody(containing("found less than 5% free")));
        assertThat(result.state().execution("page").orElseThrow().calls().get(0).path("action").asText()).isEqualTo("sns:Publish");
    }

    @Test
    void the_services_on_the_classpath_are_all_found_with_their_operations() {
        AwsServices services = AwsServices.onClasspath();

        assertThat(services.names()).contains("autoscaling", "cloudformation", "cloudwatch", "cloudwatchlogs", "dynamodb", "ec2", "ecs",
                "elasticloadbalancingv2", "eventbridge", "iam", "lambda", "rds", "s3", "secretsmanager", "sns", "sqs", "ssm", "sts");
        assertThat(services.find("logs").orElseThrow().operationNames()).contains("FilterLogEvents", "StartQuery");
        assertThat(services.find("cloudwatch").orElseThrow().iamPrefix()).isEqualTo("cloudwatch");
        assertThat(services.find("events").orElseThrow().iamPrefix()).isEqualTo("events");
        assertThat(services.find("s3").orElseThrow().operation("ListObjectsV2").orElseThrow().isPaginated()).isTrue();
        assertThat(List.of(OperationSafety.isReadOnly("ec2", "DescribeInstances"), OperationSafety.isReadOnly("ec2", "StopInstances"),
                OperationSafety.isReadOnly("sqs", "ReceiveMessage"), OperationSafety.isReadOnly("cloudwatchlogs", "StartQuery")))
                .containsExactly(true, false, false, true);
    }
}
