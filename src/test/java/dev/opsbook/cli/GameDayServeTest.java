package dev.opsbook.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.opsbook.access.ApiTokens;
import dev.opsbook.access.Role;
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
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The game day of docs/TESTING.md, run as its reader would: its runbook served, its scenario (with the EC2 sample under
 * events/) injected by {@code opsbook gameday start} against a real serve, a person approving through the API, then
 * {@code opsbook gameday report}. Any AWS call that leaves the drill would reach the WireMock standing in for AWS.
 */
@QuarkusTest
class GameDayServeTest {

    private static final Pattern EXAMPLE = Pattern.compile("^(`{3,})\\w+ file=(\\S+)\\n(.*?)\\n\\1$", Pattern.MULTILINE | Pattern.DOTALL);

    @TempDir
    Path dir;

    private final WireMockServer aws = new WireMockServer(options().dynamicPort());
    private final WireMockServer hooks = new WireMockServer(options().dynamicPort());
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private RunStore store;
    private Service service;
    private Served served;
    private String operator;
    private String approver;

    @BeforeEach
    void start() throws Exception {
        aws.start();
        hooks.start();
        aws.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(500).withBody("a drill reached AWS")));
        hooks.stubFor(post("/oncall").willReturn(aResponse().withStatus(204)));
        String doc = Files.readString(Path.of("docs/TESTING.md"));
        Matcher blocks = EXAMPLE.matcher(doc.substring(doc.indexOf("## Game days")));
        while (blocks.find()) {
            Path file = dir.resolve(blocks.group(2));
            Files.createDirectories(file.getParent());
            Files.writeString(file, blocks.group(3).replace("https://hooks.example.com", hooks.baseUrl()) + "\n");
        }
        Files.createDirectories(dir.resolve("events"));
        try (Stream<Path> samples = Files.list(Path.of("events"))) {
            for (Path sample : samples.toList()) {
                Files.copy(sample, dir.resolve("events").resolve(sample.getFileName()));
            }
        }
        store = JdbcRunStore.open(JdbcRunStore.embeddedUrl(dir.resolve("store")), "", "");
        RunbookLoader loader = new RunbookLoader(StandardSteps.all().catalog(), List.of(new TriggerPatternCheck()));
        service = new Service(new Service.Config(List.of(dir.resolve("runbooks")), dir.resolve("records"),
                new AwsSettings(Optional.of("us-east-1"), Optional.empty(), Optional.of(URI.create(aws.baseUrl()))), 3, 4, dir),
                store, loader, new PrintStream(log, true, StandardCharsets.UTF_8));
        served = Served.start(service);
        ApiTokens tokens = new ApiTokens(store.tokens(), Clock.systemUTC());
        operator = tokens.issue("otto", Set.of(Role.OPERATOR, Role.VIEWER)).secret();
        approver = tokens.issue("anna", Set.of(Role.APPROVER, Role.VIEWER)).secret();
    }

    @AfterEach
    void stop() {
        served.close();
        service.close();
        store.close();
        aws.stop();
        hooks.stop();
    }

    @Test
    void the_documented_game_day_meets_its_expectations_touches_no_aws_says_drill_and_reports_who_answered() throws Exception {
        Path report = dir.resolve("report.md");
        CompletableFuture<Result> gameDay = opsbook("gameday", "start", dir.resolve("gamedays/instance-stopped.yaml").toString(),
                "--url", Served.base(), "--token", operator, "--report", report.toString(), "--poll", "200");
        String run = approveTheWaitingDrill();

        Result result = gameDay.get(60, TimeUnit.SECONDS);
        assertThat(result.exit()).as(result.out() + log).isZero();
        assertThat(result.out()).contains("✅ runbook-started: restart-stopped-instance", "✅ decision-within: 15m",
                "✅ status: succeeded", "✅ 4 of 4 expectation(s) met");
        assertThat(aws.findAll(anyRequestedFor(anyUrl()))).as("calls that reached AWS").isEmpty();
        assertThat(hooks.findAll(postRequestedFor(urlEqualTo("/oncall")))).singleElement()
                .satisfies(page -> assertThat(page.getBodyAsString()).contains("[DRILL] i-abcd1111 stopped", "[DRILL] (game day gd-"));

        assertThat(ids(get("/api/runs?drill=true", operator))).containsExactly(run);
        assertThat(ids(get("/api/runs?drill=false", operator))).isEmpty();
        String record = call("GET", "/api/runs/" + run + "/record", operator, null).body();
        assertThat(record).contains("drill: gd-", "**DRILL**", "StartInstances");

        String written = Files.readString(report);
        assertThat(written).contains("# Game day report: An instance stops in the middle of the night", "## Timeline",
                "anna (tok-", " approved go: start it", "notified webhook " + hooks.baseUrl(), "| `" + run + "` | go |", "## Gaps to discuss")
                .doesNotContain("/oncall");
        String id = get("/api/gamedays", operator).path("gamedays").get(0).path("id").asText();
        HttpResponse<String> page = call("GET", "/gamedays/" + id, operator, null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Game day report: An instance stops in the middle of the night", "approved go");
        assertThat(call("GET", "/runs?drill=true", operator, null).body()).contains(run, "class=\"badge drill\"");
        assertThat(call("GET", "/runs/" + run, operator, null).body()).contains("id=\"run-drill\"", "/gamedays/" + id);
        Result again = opsbook("gameday", "report", run, "--url", Served.base(), "--token", approver).get(30, TimeUnit.SECONDS);
        assertThat(again.exit()).as(again.out()).isZero();
        assertThat(again.out()).contains(" approved go: start it", "✅ met: `status: succeeded`");
    }

    @Test
    void a_call_the_scenario_does_not_answer_fails_the_drill_without_reaching_aws_and_the_game_day_exits_1() throws Exception {
        Path scenario = dir.resolve("gamedays/unanswered.yaml");
        Files.writeString(scenario, """
                name: StartInstances is not simulated
                events:
                  - event:
                      version: "0"
                      id: one
                      source: aws.ec2
                      detail-type: EC2 Instance State-change Notification
                      account: "123456789012"
                      time: "2026-01-01T00:00:00Z"
                      region: us-east-1
                      resources: []
                      detail: { instance-id: i-abcd2222, state: stopped }
                aws:
                  - call: ec2:DescribeInstances
                    respond: { Reservations: [ { Instances: [ { State: { Name: stopped } } ] } ] }
                expect:
                  runbook-started: restart-stopped-instance
                  status: succeeded
                """);
        CompletableFuture<Result> gameDay = opsbook("gameday", "start", scenario.toString(), "--url", Served.base(), "--token", operator,
                "--poll", "200");
        String run = approveTheWaitingDrill();

        Result result = gameDay.get(60, TimeUnit.SECONDS);
        assertThat(result.exit()).as(result.out()).isEqualTo(1);
        assertThat(result.out()).contains("❌ status: succeeded: " + run + " failed", "❌ 1 of 2 expectation(s) met");
        assertThat(aws.findAll(anyRequestedFor(anyUrl()))).as("calls that reached AWS").isEmpty();
        JsonNode steps = get("/api/runs/" + run, operator).path("steps");
        assertThat(steps.findValuesAsText("message")).anySatisfy(m -> assertThat(m).contains("ec2:StartInstances is not simulated"));
    }

    @Test
    void an_invalid_scenario_is_refused_at_its_line_before_anything_is_injected() throws Exception {
        Path scenario = dir.resolve("gamedays/typo.yaml");
        Files.writeString(scenario, """
                name: typo
                events:
                  - ../events/ec2-instance-state-change.json
                aws:
                  - call: ec2:DescribeInstance
                    respond: {}
                expect:
                  status: fine
                """);
        Result result = opsbook("gameday", "start", scenario.toString(), "--url", Served.base(), "--token", operator).get(30, TimeUnit.SECONDS);
        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.err()).contains(scenario + ":5:", "DescribeInstances", scenario + ":8:", "status 'fine'");
        assertThat(get("/api/gamedays", operator).path("gamedays")).isEmpty();
    }

    private String approveTheWaitingDrill() throws Exception {
        String[] run = new String[1];
        dev.opsbook.testing.Eventually.until("a drill waits at go", Duration.ofSeconds(40), () -> {
            try {
                JsonNode runs = get("/api/runs?drill=true&status=waiting", operator).path("runs");
                run[0] = runs.isEmpty() ? null : runs.get(0).path("id").asText();
                return run[0] != null;
            } catch (Exception e) {
                return false;
            }
        }, () -> log.toString(StandardCharsets.UTF_8));
        assertThat(call("POST", "/api/runs/" + run[0] + "/steps/go/approve", approver, "{\"comment\":\"start it\"}").statusCode()).isEqualTo(200);
        return run[0];
    }

    private record Result(int exit, String out, String err) {
    }

    /** //why: in this JVM, with its standard streams taken for the command: the game day must talk to this test's serve */
    private static CompletableFuture<Result> opsbook(String... args) {
        return CompletableFuture.supplyAsync(() -> {
            synchronized (GameDayServeTest.class) {
                PrintStream out = System.out;
                PrintStream err = System.err;
                ByteArrayOutputStream stdout = new ByteArrayOutputStream();
                ByteArrayOutputStream stderr = new ByteArrayOutputStream();
                try {
                    System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
                    System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
                    int exit = new CommandLine(new OpsbookCommand()).execute(args);
                    return new Result(exit, stdout.toString(StandardCharsets.UTF_8), stderr.toString(StandardCharsets.UTF_8));
                } finally {
                    System.setOut(out);
                    System.setErr(err);
                }
            }
        });
    }

    private List<String> ids(JsonNode page) {
        return page.path("runs").findValuesAsText("id");
    }

    private JsonNode get(String path, String token) throws IOException, InterruptedException {
        HttpResponse<String> response = call("GET", path, token, null);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }

    private HttpResponse<String> call(String method, String path, String token, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(Served.base() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Authorization", "Bearer " + token);
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
