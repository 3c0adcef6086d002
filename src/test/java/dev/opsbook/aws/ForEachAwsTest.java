package dev.opsbook.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.opsbook.engine.Engine;
import dev.opsbook.engine.FixtureRun;
import dev.opsbook.engine.Fixtures;
import dev.opsbook.engine.Role;
import dev.opsbook.engine.RunListener;
import dev.opsbook.engine.RunRequest;
import dev.opsbook.engine.RunResult;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.engine.StepExecution;
import dev.opsbook.engine.StepStatus;
import dev.opsbook.record.MarkdownRecord;
import dev.opsbook.steps.StandardSteps;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A for-each over EC2 instances, against WireMock serving EC2: two calls in flight at once, one failing item allowed. */
class ForEachAwsTest {

    private static final List<String> IDS = List.of("i-00000000000000001", "i-00000000000000002", "i-00000000000000003",
            "i-00000000000000004", "i-00000000000000005");
    private static final String BAD = IDS.get(1);

    @TempDir
    Path workDir;

    @RegisterExtension
    static final WireMockExtension aws = WireMockExtension.newInstance().options(options().dynamicPort()).build();

    @BeforeAll
    static void credentials() {
        AwsFakes.fakeCredentials();
    }

    @Test
    void items_run_two_at_a_time_and_one_failure_under_max_errors_1_lets_the_step_and_the_run_succeed() throws Exception {
        aws.stubFor(post("/").withRequestBody(containing("Action=DescribeInstances"))
                .willReturn(AwsFakes.ec2Instances("req-find", null, IDS.stream().map(id -> id + ":stopped").toArray(String[]::new))));
        for (String id : IDS) {
            aws.stubFor(post("/").withRequestBody(containing("Action=StartInstances")).withRequestBody(containing("InstanceId.1=" + id))
                    .willReturn(id.equals(BAD)
                            ? AwsFakes.ec2Error(400, "IncorrectInstanceState", "The instance is not in a state from which it can be started.", "req-" + id)
                                    .withFixedDelay(300)
                            : AwsFakes.ec2("StartInstances", "req-" + id, "<instancesSet><item><instanceId>" + id
                                    + "</instanceId><currentState><code>0</code><name>pending</name></currentState></item></instancesSet>")
                                    .withFixedDelay(300)));
        }

        RunResult result = run();

        assertThat(result.state().status()).as(result.state().message()).isEqualTo(RunStatus.SUCCEEDED);
        StepExecution start = result.state().execution("start").orElseThrow();
        assertThat(start.status()).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(start.message()).isEqualTo("5 items: 4 succeeded, 1 failed");
        for (String id : IDS) {
            aws.verify(1, postRequestedFor(urlEqualTo("/")).withRequestBody(containing("Action=StartInstances"))
                    .withRequestBody(containing("InstanceId.1=" + id)));
        }
        List<StepExecution> items = result.state().executions().values().stream().filter(x -> x.role() == Role.ITEM).toList();
        assertThat(items).extracting(StepExecution::key).containsExactlyInAnyOrder("start[0]", "start[1]", "start[2]", "start[3]", "start[4]");
        assertThat(result.state().execution("start[1]").orElseThrow().status()).isEqualTo(StepStatus.FAILED);
        assertThat(mostAtOnce(items)).as("concurrency=2: two calls in flight, never three").isEqualTo(2);
        assertThat(start.outputs().path("state").toString()).isEqualTo("[\"pending\",null,\"pending\",\"pending\",\"pending\"]");
        assertThat(result.state().execution("report").orElseThrow().result().path("stdout").asText()).isEqualTo("started 4 of 5\n");

        String record = MarkdownRecord.render(result);
        assertThat(record)
                .contains("**Items** (5 from `steps.find.outputs.ids`):")
                .contains("| 0 | i-00000000000000001 | ✅ succeeded |")
                .contains("| 1 | i-00000000000000002 | ❌ failed |")
                .contains("IncorrectInstanceState")
                .contains("`ec2:StartInstances` in eu-west-1 → HTTP 200, request id `req-i-00000000000000003`")
                .contains("`start[4]` succeeded");
    }

    private RunResult run() throws Exception {
        AwsSettings settings = new AwsSettings(Optional.of("eu-west-1"), Optional.empty(), Optional.of(URI.create(aws.baseUrl())));
        try (AwsClients clients = new AwsClients(settings)) {
            RunRequest request = new RunRequest(Fixtures.load("aws/foreach-start.md"), Map.of(), "tester", "test",
                    Fixtures.answering(FixtureRun.Answers.YES), Optional.empty(), workDir);
            return new Engine(StandardSteps.with(clients)).run(request, RunListener.NONE);
        }
    }

    /** The most items whose runs overlapped at one moment. */
    private static int mostAtOnce(List<StepExecution> items) {
        List<Instant[]> spans = new ArrayList<>();
        items.forEach(x -> spans.add(new Instant[] {x.startedAt().orElseThrow(), x.endedAt().orElseThrow()}));
        int most = 0;
        for (Instant[] span : spans) {
            int overlapping = (int) spans.stream().filter(o -> o[0].compareTo(span[0]) <= 0 && o[1].isAfter(span[0])).count();
            most = Math.max(most, overlapping);
        }
        return most;
    }
}
