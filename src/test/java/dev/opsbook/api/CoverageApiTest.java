package dev.opsbook.api;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.opsbook.access.ApiTokens;
import dev.opsbook.access.Role;
import dev.opsbook.alarm.CloudWatchFakes;
import dev.opsbook.aws.AwsFakes;
import dev.opsbook.aws.AwsSettings;
import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.service.Service;
import dev.opsbook.steps.StandardSteps;
import dev.opsbook.store.JdbcRunStore;
import dev.opsbook.store.RunStore;
import dev.opsbook.testing.Served;
import dev.opsbook.trigger.TriggerPatternCheck;
import io.quarkus.test.junit.QuarkusTest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /api/coverage} over the real service, with WireMock as CloudWatch. */
@QuarkusTest
class CoverageApiTest {

    @RegisterExtension
    static final WireMockExtension cloudWatch = WireMockExtension.newInstance().options(options().dynamicPort()).build();

    @TempDir
    Path dir;

    private RunStore store;
    private Service service;
    private Served served;
    private String viewer;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        AwsFakes.fakeCredentials();
        Path runbooks = Files.createDirectories(dir.resolve("runbooks"));
        for (String name : List.of("instance-check.md", "service-down.md", "stopped-instance.md")) {
            Files.copy(Path.of("src/test/resources/coverage/runbooks", name), runbooks.resolve(name));
        }
        store = JdbcRunStore.open(JdbcRunStore.embeddedUrl(dir.resolve("store")), "", "");
        service = new Service(new Service.Config(List.of(runbooks), dir.resolve("records"),
                new AwsSettings(Optional.of("eu-west-1"), Optional.empty(), Optional.of(URI.create(cloudWatch.baseUrl()))), 3, 4, dir),
                store, new RunbookLoader(StandardSteps.all().catalog(), List.of(new TriggerPatternCheck())),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        served = Served.start(service);
        viewer = new ApiTokens(store.tokens(), Clock.systemUTC()).issue("vera", Set.of(Role.VIEWER)).secret();
    }

    @AfterEach
    void stop() {
        served.close();
        service.close();
        store.close();
    }

    private HttpResponse<String> get(String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(Served.base() + "/api/coverage"));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void a_viewer_reads_which_alarm_starts_which_runbook_and_a_second_look_within_a_minute_does_not_ask_cloudwatch_again()
            throws Exception {
        CloudWatchFakes.serveAlarms(cloudWatch.getRuntimeInfo().getWireMock());
        assertThat(get(null).statusCode()).isEqualTo(401);

        HttpResponse<String> first = get(viewer);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        JsonNode report = new ObjectMapper().readTree(first.body());
        assertThat(report.path("from").asText()).isEqualTo("CloudWatch in eu-west-1");
        assertThat(report.path("alarmCount").asInt()).isEqualTo(3);
        JsonNode instance = report.path("alarms").get(0);
        assertThat(instance.path("alarm").asText()).isEqualTo("web-1-instance-status-check");
        assertThat(instance.path("runbooks").get(0).path("runbook").asText()).isEqualTo("instance-check");
        assertThat(instance.path("runbooks").get(0).path("parameters").path("instanceId").asText()).isEqualTo("i-0abcd1234ef567890");
        JsonNode composite = report.path("alarms").get(2);
        assertThat(composite.path("type").asText()).isEqualTo("composite");
        assertThat(composite.path("covered").asBoolean()).isTrue();
        assertThat(composite.path("named").path("where").asText()).isEqualTo("tag runbook");
        assertThat(composite.path("runbooks").get(0).path("parameters").path("pagerKey").asText()).isEqualTo("********");
        assertThat(report.path("alarms").get(1).path("covered").asBoolean()).isFalse();
        assertThat(report.path("runbooksMatchingNoAlarm").toString()).isEqualTo("[\"stopped-instance\"]");

        assertThat(get(viewer).statusCode()).isEqualTo(200);
        cloudWatch.verify(2, postRequestedFor(urlEqualTo("/")).withRequestBody(containing("Action=DescribeAlarms")));
    }

    @Test
    void cloudwatch_refusing_is_a_502_problem_saying_which_permission_serve_needs() throws Exception {
        CloudWatchFakes.refuse(cloudWatch.getRuntimeInfo().getWireMock(), "DescribeAlarms");

        HttpResponse<String> refused = get(viewer);

        assertThat(refused.statusCode()).isEqualTo(502);
        assertThat(refused.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(new ObjectMapper().readTree(refused.body()).path("detail").asText())
                .startsWith("CloudWatch in eu-west-1 refused DescribeAlarms (AccessDenied)").contains("opsbook policy --service");
    }
}
