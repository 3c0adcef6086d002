package dev.opsbook.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.opsbook.aws.AwsSettings;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.steps.StandardSteps;
import dev.opsbook.store.JdbcRunStore;
import dev.opsbook.store.RunQuery;
import dev.opsbook.store.RunStore;
import dev.opsbook.testing.Served;
import dev.opsbook.trigger.TriggerPatternCheck;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import io.quarkus.test.junit.QuarkusTest;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * What an operator's probes and Prometheus see of a running service: real ElasticMQ (the queue the
 * application's channel consumes), a real H2 store, SmallRye Health and Micrometer's registry.
 */
@QuarkusTest
class HealthAndMetricsTest {

    @TempDir
    Path dir;

    private RunStore store;
    private Service service;
    private Served served;
    private String queueUrl;
    private SqsClient sqs;
    private final HttpClient http = HttpClient.newHttpClient();
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    @BeforeEach
    void start() throws Exception {
        Path runbooks = Files.createDirectories(dir.resolve("runbooks"));
        for (String name : List.of("disk-alarm.md", "gated.md", "one-at-a-time.md")) {
            String text = new String(getClass().getResourceAsStream("/service/" + name).readAllBytes(), StandardCharsets.UTF_8)
                    .replace("ESCALATION_URL", "http://127.0.0.1:9/escalate");
            Files.writeString(runbooks.resolve(name), text);
        }
        store = JdbcRunStore.open(JdbcRunStore.embeddedUrl(dir.resolve("store")), "", "");
        RunbookLoader loader = new RunbookLoader(StandardSteps.all().catalog(), List.of(new TriggerPatternCheck()));
        service = new Service(new Service.Config(List.of(runbooks), dir.resolve("records"),
                new AwsSettings(Optional.of("us-east-1"), Optional.empty(), Optional.empty()), 3, 4, dir),
                store, loader, new PrintStream(log, true, StandardCharsets.UTF_8));
        served = Served.start(service);
        queueUrl = ConfigProvider.getConfig().getValue("opsbook.queue-url", String.class);
        sqs = EmbeddedQueue.client(URI.create(queueUrl.replaceAll("(http://[^/]+)/.*", "$1")));
    }

    @AfterEach
    void stop() {
        sqs.close();
        served.close();
        service.close();
        store.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(Served.base() + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** //why: Quarkus answers OpenMetrics to a client that names no type; a scraper asking for Prometheus' text gets text/plain. */
    private HttpResponse<String> metrics() throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(Served.base() + "/q/metrics")).header("Accept", "text/plain").build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private void send(String id, String detailType, String detail) {
        sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody("""
                {"version":"0","id":"%s","detail-type":"%s","source":"opsbook.test","account":"123456789012",
                 "time":"2026-11-23T03:00:00Z","region":"us-east-1","resources":[],"detail":%s}""".formatted(id, detailType, detail)));
    }

    private void eventually(String what, BooleanSupplier condition) throws InterruptedException {
        dev.opsbook.testing.Eventually.until(what, Duration.ofSeconds(30), condition, () -> log.toString(StandardCharsets.UTF_8));
    }

    /** The value of one Prometheus sample, or 0 when the series does not exist (yet). */
    private double sample(String metrics, String series) {
        // //why: Quarkus's Prometheus text (simpleclient's 0.0.4 writer) ends a label set with a comma, {channel="sqs",}; both spellings are valid
        Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(metrics.replace(",} ", "} "));
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
    }

    private long runs(String runbook, RunStatus status) {
        return store.runs(new RunQuery(Optional.of(runbook), Optional.of(status), Optional.empty(), 100)).size();
    }

    private static JsonNode check(JsonNode health, String name) {
        for (JsonNode check : health.path("checks")) {
            if (check.path("name").asText().equals(name)) {
                return check;
            }
        }
        throw new AssertionError("no check named " + name + " in " + health);
    }

    @Test
    void probes_say_up_with_each_dependency_named() throws Exception {
        HttpResponse<String> live = get("/q/health/live");
        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(new ObjectMapper().readTree(live.body()).path("status").asText()).isEqualTo("UP");

        eventually("the intake has polled the queue", () -> {
            try {
                return get("/q/health/ready").statusCode() == 200;
            } catch (Exception e) {
                return false;
            }
        });
        JsonNode ready = new ObjectMapper().readTree(get("/q/health/ready").body());
        assertThat(ready.path("status").asText()).isEqualTo("UP");
        // //why: in any order: SmallRye Health lists the checks in no fixed order; the old server kept the order they were added
        assertThat(ready.path("checks").findValuesAsText("name")).containsExactlyInAnyOrder("store", "accepting events", "queue");
        assertThat(get("/q/health").statusCode()).isEqualTo(200);
    }

    @Test
    void readiness_goes_down_and_names_the_store_when_the_store_is_gone_while_liveness_stays_up() throws Exception {
        store.close();

        HttpResponse<String> ready = get("/q/health/ready");
        assertThat(ready.statusCode()).isEqualTo(503);
        JsonNode body = new ObjectMapper().readTree(ready.body());
        assertThat(body.path("status").asText()).isEqualTo("DOWN");
        JsonNode storeCheck = check(body, "store");
        assertThat(storeCheck.path("name").asText()).isEqualTo("store");
        assertThat(storeCheck.path("status").asText()).isEqualTo("DOWN");
        assertThat(storeCheck.path("data").path("detail").asText()).isNotBlank();
        assertThat(get("/q/health/live").statusCode()).isEqualTo(200);
    }

    @Test
    void readiness_says_starting_until_serve_has_installed_its_service_while_liveness_stays_up() throws Exception {
        served.close();

        HttpResponse<String> ready = get("/q/health/ready");
        assertThat(ready.statusCode()).isEqualTo(503);
        JsonNode body = new ObjectMapper().readTree(ready.body());
        assertThat(body.path("status").asText()).isEqualTo("DOWN");
        assertThat(check(body, "store").path("status").asText()).isEqualTo("DOWN");
        assertThat(check(body, "store").path("data").path("detail").asText()).contains("opsbook serve is starting");
        assertThat(get("/q/health/live").statusCode()).isEqualTo(200);
    }

    @Test
    void metrics_count_runs_by_runbook_events_by_outcome_step_durations_queue_lag_and_waiting_approvals() throws Exception {
        send("evt-m1", "Disk Alarm", "{\"host\":\"web-1\",\"percent\":91}");
        send("evt-m2", "Disk Alarm", "{\"host\":\"web-2\",\"percent\":92}");
        send("evt-m3", "Change Request", "{\"change\":\"CHG-1\"}");
        sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody("{ not json"));

        eventually("two disk alarms ran and the change waits", () -> runs("disk-alarm", RunStatus.SUCCEEDED) == 2
                && runs("gated", RunStatus.WAITING) == 1);
        eventually("the four events are counted", () -> {
            try {
                return sample(metrics().body(), "opsbook_events_received_total{channel=\"sqs\"}") == 4;
            } catch (Exception e) {
                return false;
            }
        });
        Thread.sleep(5_100); // the waiting gauge is cached for 5 s
        HttpResponse<String> response = metrics();
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        String metrics = response.body();

        assertThat(sample(metrics, "opsbook_runs_started_total{drill=\"false\",runbook=\"disk-alarm\",trigger=\"event\"}")).isEqualTo(2);
        assertThat(sample(metrics, "opsbook_runs_finished_total{drill=\"false\",runbook=\"disk-alarm\",status=\"succeeded\"}")).isEqualTo(2);
        assertThat(sample(metrics, "opsbook_runs_started_total{drill=\"false\",runbook=\"gated\",trigger=\"event\"}")).isEqualTo(1);
        assertThat(sample(metrics, "opsbook_events_handled_total{channel=\"sqs\",outcome=\"started\"}")).isEqualTo(3);
        assertThat(sample(metrics, "opsbook_events_handled_total{channel=\"sqs\",outcome=\"rejected\"}")).isEqualTo(1);
        assertThat(sample(metrics, "opsbook_step_duration_seconds_count{drill=\"false\",kind=\"shell\",runbook=\"disk-alarm\",status=\"succeeded\"}"))
                .isGreaterThanOrEqualTo(2);
        assertThat(sample(metrics, "opsbook_queue_lag_seconds_count")).isEqualTo(4);
        assertThat(sample(metrics, "opsbook_approvals_waiting")).isEqualTo(1);
        assertThat(metrics).contains("jvm_memory_used_bytes", "opsbook_leases_held ", "opsbook_runs_active ");
    }
}
