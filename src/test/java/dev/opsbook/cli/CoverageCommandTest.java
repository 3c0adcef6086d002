package dev.opsbook.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.opsbook.alarm.CloudWatchFakes;
import dev.opsbook.aws.AwsFakes;
import dev.opsbook.trigger.EventEnvelope;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code opsbook coverage} in this JVM, against a file of describe-alarms output and against WireMock as CloudWatch. */
class CoverageCommandTest {

    private static final String RUNBOOKS = "src/test/resources/coverage/runbooks";
    private static final String ALARMS = "src/test/resources/coverage/alarms.json";

    @RegisterExtension
    static final WireMockExtension cloudWatch = WireMockExtension.newInstance().options(options().dynamicPort()).build();

    @TempDir
    Path dir;

    record Result(int exitCode, String stdout, String stderr) {
    }

    @BeforeAll
    static void credentials() {
        AwsFakes.fakeCredentials();
    }

    private static Result coverage(String... args) {
        dev.opsbook.testing.InProcessCli.Result result = dev.opsbook.testing.InProcessCli.run(new CoverageCommand(), args);
        return new Result(result.exitCode(), result.stdout(), result.stderr());
    }

    private static String row(String stdout, String alarm) {
        List<String> lines = stdout.lines().toList();
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(alarm + " ")) {
                rows.add(lines.get(i));
                for (int j = i + 1; j < lines.size() && lines.get(j).startsWith(" ") && !lines.get(j).isBlank(); j++) {
                    rows.add(lines.get(j));
                }
            }
        }
        return String.join("\n", rows);
    }

    @Test
    void an_alarm_file_shows_each_alarm_with_the_runbook_its_event_starts_and_its_parameters_or_none() {
        Result result = coverage(RUNBOOKS, "--alarms", ALARMS);

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stdout()).startsWith("Alarms from " + ALARMS + ": 4, 2 with no runbook.");
        assertThat(row(result.stdout(), "web-1-instance-status-check"))
                .contains("AWS/EC2 StatusCheckFailed_Instance")
                .contains("instance-check (trigger 1): instanceId=i-0abcd1234ef567890, region=eu-west-1")
                .doesNotContain("none");
        assertThat(row(result.stdout(), "api-5xx-rate")).contains("100 * errors / requests of AWS/ApplicationELB HTTPCode_ELB_5XX_Count")
                .contains("none");
        // the composite alarm's tag names the runbook its event starts; the secret parameter is masked
        assertThat(row(result.stdout(), "checkout-down")).contains("composite: ALARM(checkout-5xx)")
                .contains("service-down (trigger 1): alarm=checkout-down, pagerKey=********").contains("named by its tag runbook")
                .doesNotContain("none");
        // the queue alarm starts a runbook, but its description names one that is not here: not covered
        assertThat(row(result.stdout(), "orders-queue-age")).contains("none").contains("queue-backlog (trigger 1): queue=orders")
                .contains("names drain-orders (description), not counted: no runbook 'drain-orders' is here");
        assertThat(result.stdout()).contains("Runbooks whose triggers match no alarm:\n  stopped-instance\n");
    }

    @Test
    void fail_uncovered_exits_1_when_an_alarm_has_no_runbook_and_0_when_every_one_has() throws Exception {
        assertThat(coverage(RUNBOOKS, "--alarms", ALARMS, "--fail-uncovered").exitCode()).isEqualTo(1);

        Path covered = dir.resolve("covered.json");
        JsonNode all = new ObjectMapper().readTree(Path.of(ALARMS).toFile());
        ((com.fasterxml.jackson.databind.node.ArrayNode) all.path("MetricAlarms")).remove(2);
        ((com.fasterxml.jackson.databind.node.ArrayNode) all.path("MetricAlarms")).remove(1);
        Files.writeString(covered, all.toString());
        Result result = coverage(RUNBOOKS, "--alarms", covered.toString(), "--fail-uncovered");
        assertThat(result.exitCode()).as(result.stdout() + result.stderr()).isZero();
        assertThat(result.stdout()).contains(": 2, every one with a runbook.");
    }

    @Test
    void json_output_carries_the_runbooks_parameters_the_named_runbook_and_the_event_each_alarm_sends() throws Exception {
        Result result = coverage(RUNBOOKS, "--alarms", ALARMS, "--output", "json");

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        JsonNode report = new ObjectMapper().readTree(result.stdout());
        assertThat(report.path("alarmCount").asInt()).isEqualTo(4);
        assertThat(report.path("uncoveredCount").asInt()).isEqualTo(2);
        JsonNode instance = report.path("alarms").get(0);
        assertThat(instance.path("covered").asBoolean()).isTrue();
        assertThat(instance.path("namespaces").toString()).isEqualTo("[\"AWS/EC2\"]");
        assertThat(instance.path("runbooks").get(0).path("parameters").toString())
                .isEqualTo("{\"instanceId\":\"i-0abcd1234ef567890\",\"region\":\"eu-west-1\"}");
        // the event is what `opsbook events test` and serve take
        assertThat(EventEnvelope.of((com.fasterxml.jackson.databind.node.ObjectNode) instance.path("event")))
                .isInstanceOf(EventEnvelope.class);
        JsonNode queue = report.path("alarms").get(2);
        assertThat(queue.path("named").path("runbook").asText()).isEqualTo("drain-orders");
        assertThat(queue.path("named").path("counts").asBoolean()).isFalse();
        assertThat(report.path("runbooksMatchingNoAlarm").toString()).isEqualTo("[\"stopped-instance\"]");
        assertThat(result.stdout()).doesNotContain("\"pagerKey\":\"checkout-down\"");
    }

    @Test
    void cloudwatch_is_read_page_by_page_metric_and_composite_alarms_with_their_tags() {
        CloudWatchFakes.serveAlarms(cloudWatch.getRuntimeInfo().getWireMock());

        Result result = coverage(RUNBOOKS, "--region", "eu-west-1", "--endpoint-url", cloudWatch.baseUrl());

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stdout()).startsWith("Alarms from CloudWatch in eu-west-1: 3, 1 with no runbook.");
        assertThat(row(result.stdout(), "web-1-instance-status-check")).contains("instance-check (trigger 1): instanceId=i-0abcd1234ef567890");
        assertThat(row(result.stdout(), "api-5xx-rate")).contains("none");
        assertThat(row(result.stdout(), "checkout-down")).contains("service-down (trigger 1)").contains("named by its tag runbook");
        cloudWatch.verify(postRequestedFor(urlEqualTo("/")).withRequestBody(containing("Action=DescribeAlarms"))
                .withRequestBody(containing("AlarmTypes.member.1=MetricAlarm")).withRequestBody(containing("AlarmTypes.member.2=CompositeAlarm")));
        cloudWatch.verify(1, postRequestedFor(urlEqualTo("/")).withRequestBody(containing("NextToken=page-2")));
        cloudWatch.verify(3, postRequestedFor(urlEqualTo("/")).withRequestBody(containing("Action=ListTagsForResource")));
    }

    @Test
    void cloudwatch_refusing_describe_alarms_is_one_line_that_says_which_permission_to_grant() {
        CloudWatchFakes.serveAlarms(cloudWatch.getRuntimeInfo().getWireMock());
        CloudWatchFakes.refuse(cloudWatch.getRuntimeInfo().getWireMock(), "DescribeAlarms");

        Result result = coverage(RUNBOOKS, "--region", "eu-west-1", "--endpoint-url", cloudWatch.baseUrl());

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stdout()).isEmpty();
        assertThat(result.stderr().strip()).doesNotContain("\n").startsWith("error: CloudWatch in eu-west-1 refused DescribeAlarms (AccessDenied)")
                .contains("cloudwatch:DescribeAlarms").contains("opsbook policy --service");
    }

    @Test
    void tags_refused_leave_runbook_tags_unseen_with_a_warning_and_the_rest_shown() {
        CloudWatchFakes.serveAlarms(cloudWatch.getRuntimeInfo().getWireMock());
        CloudWatchFakes.refuse(cloudWatch.getRuntimeInfo().getWireMock(), "ListTagsForResource");

        Result result = coverage(RUNBOOKS, "--region", "eu-west-1", "--endpoint-url", cloudWatch.baseUrl());

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(row(result.stdout(), "checkout-down")).contains("service-down (trigger 1)").doesNotContain("named");
        assertThat(result.stderr()).startsWith("warning: alarm tags not read").contains("cloudwatch:ListTagsForResource");
        cloudWatch.verify(1, postRequestedFor(urlEqualTo("/")).withRequestBody(containing("Action=ListTagsForResource")));
    }

    @Test
    void a_profile_without_credentials_is_one_line_that_says_what_to_do() {
        Result result = coverage(RUNBOOKS, "--region", "eu-west-1", "--profile", "no-such-profile", "--endpoint-url", cloudWatch.baseUrl());

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stderr().strip()).doesNotContain("\n")
                .startsWith("error: cannot read CloudWatch alarms: profile 'no-such-profile' gives no AWS credentials");
    }

    @Test
    void an_alarm_file_that_is_not_describe_alarms_json_is_one_line_naming_the_file_and_what_was_expected() throws Exception {
        Path event = Path.of("src/test/resources/events/cloudwatch-alarm-status-check-failed.json");
        Result notAlarms = coverage(RUNBOOKS, "--alarms", event.toString());
        assertThat(notAlarms.exitCode()).isEqualTo(2);
        assertThat(notAlarms.stderr().strip()).doesNotContain("\n").startsWith(event + ": error: not describe-alarms JSON: found an object with members version, id")
                .endsWith("expected the JSON `aws cloudwatch describe-alarms` prints: an object with MetricAlarms and/or CompositeAlarms lists");

        Path broken = dir.resolve("broken.json");
        Files.writeString(broken, "{\n  \"MetricAlarms\": [\n    { \"AlarmName\": \"x\", }\n  ]\n}\n");
        Result notJson = coverage(RUNBOOKS, "--alarms", broken.toString());
        assertThat(notJson.exitCode()).isEqualTo(2);
        assertThat(notJson.stderr().strip()).doesNotContain("\n").startsWith(broken + ":3:25: error: not JSON");

        Path noArn = dir.resolve("no-arn.json");
        Files.writeString(noArn, "{\"MetricAlarms\": [{\"AlarmName\": \"cpu\"}]}");
        assertThat(coverage(RUNBOOKS, "--alarms", noArn.toString()).stderr().strip())
                .isEqualTo(noArn + ": error: MetricAlarms[0] (cpu) has no AlarmArn; each alarm of describe-alarms has AlarmName and AlarmArn");

        Result missing = coverage(RUNBOOKS, "--alarms", dir.resolve("nope.json").toString());
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.stderr().strip()).doesNotContain("\n").startsWith(dir.resolve("nope.json") + ": error: cannot read the alarm file");
    }
}
