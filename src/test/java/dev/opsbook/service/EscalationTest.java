package dev.opsbook.service;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.opsbook.access.ApiTokens;
import dev.opsbook.access.Role;
import dev.opsbook.aws.AwsFakes;
import dev.opsbook.aws.AwsSettings;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.steps.Notifier;
import dev.opsbook.steps.StandardSteps;
import dev.opsbook.store.Escalations;
import dev.opsbook.store.JdbcRunStore;
import dev.opsbook.store.RunQuery;
import dev.opsbook.store.RunStore;
import dev.opsbook.store.StoredRun;
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
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Escalation through {@code serve}: the booted application, an event-started run, WireMock as SNS, PagerDuty and the
 * webhooks of three tiers. Tiers wait seconds here ({@code after: 3s}), not minutes.
 */
@QuarkusTest
@Timeout(120)
class EscalationTest {

    @TempDir
    Path dir;

    private WireMockServer wire;
    private RunStore store;
    private RunbookLoader loader;
    private Service service;
    private Served served;
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    @BeforeEach
    void start() throws Exception {
        AwsFakes.fakeCredentials();
        wire = new WireMockServer(options().dynamicPort());
        wire.start();
        wire.stubFor(post("/").withRequestBody(containing("Action=Publish")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/xml").withBody("<PublishResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\">"
                        + "<PublishResult><MessageId>msg-1</MessageId></PublishResult><ResponseMetadata><RequestId>req-sns</RequestId>"
                        + "</ResponseMetadata></PublishResponse>")));
        for (String hook : List.of("/hooks/tier1", "/hooks/tier2", "/hooks/tier3", "/hooks/failed1", "/hooks/failed2")) {
            wire.stubFor(post(hook).willReturn(aResponse().withStatus(200)));
        }
        wire.stubFor(post("/pagerduty").willReturn(aResponse().withStatus(202).withHeader("Content-Type", "application/json")
                .withBody("{\"status\":\"success\",\"message\":\"Event processed\",\"dedup_key\":\"k\"}")));
        Path runbooks = Files.createDirectories(dir.resolve("runbooks"));
        Files.writeString(runbooks.resolve("tiered.md"), new String(getClass().getResourceAsStream("/escalation/tiered.md").readAllBytes(),
                StandardCharsets.UTF_8).replace("HOOKS", wire.baseUrl() + "/hooks").replace("TIER2_AFTER", "3s").replace("TIER3_AFTER", "3s"));
        Files.writeString(runbooks.resolve("failing.md"), new String(getClass().getResourceAsStream("/escalation/failing.md").readAllBytes(),
                StandardCharsets.UTF_8).replace("HOOKS", wire.baseUrl() + "/hooks"));
        store = JdbcRunStore.open(JdbcRunStore.embeddedUrl(dir.resolve("store")), "", "");
        loader = new RunbookLoader(StandardSteps.all().catalog(), List.of(new TriggerPatternCheck()));
        service = new Service(new Service.Config(List.of(runbooks), dir.resolve("records"),
                new AwsSettings(Optional.of("us-east-1"), Optional.empty(), Optional.of(URI.create(wire.baseUrl()))), 3, 4, dir)
                .withNotifications(Notifier.Settings.of(Optional.of(wire.baseUrl() + "/pagerduty"), Optional.empty())),
                store, loader, new PrintStream(log, true, StandardCharsets.UTF_8));
        service.linkingTo(Optional.of(URI.create("https://opsbook.example.com")));
        served = Served.start(service);
    }

    @AfterEach
    void stop() {
        served.close();
        service.close();
        store.close();
        wire.stop();
    }

    private String changeRequest(String id, String change) {
        assertThat(service.intake().offer("sqs", """
                {"version":"0","id":"%s","detail-type":"Change Request","source":"opsbook.test","account":"1","time":"2026-11-23T03:00:00Z",
                 "region":"us-east-1","resources":[],"detail":{"change":"%s"}}""".formatted(id, change), 1).verdict())
                .isEqualTo(EventIntake.Verdict.DONE);
        eventually("the run waits", () -> runs().size() == 1 && runs().get(0).status() == RunStatus.WAITING);
        return runs().get(0).id();
    }

    private List<StoredRun> runs() {
        return store.runs(new RunQuery(Optional.of("tiered"), Optional.empty(), Optional.empty(), 10));
    }

    private List<LoggedRequest> posted(String path) {
        return wire.findAll(postRequestedFor(urlEqualTo(path)));
    }

    private List<LoggedRequest> pagerDuty(String action) {
        return wire.findAll(postRequestedFor(urlEqualTo("/pagerduty")).withRequestBody(containing("\"event_action\":\"" + action + "\"")));
    }

    private void eventually(String what, BooleanSupplier condition) {
        try {
            dev.opsbook.testing.Eventually.until(what, Duration.ofSeconds(30), condition, () -> log.toString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void a_run_at_an_approval_tells_tier_1_at_once_tier_2_after_its_after_and_stops_when_someone_approves() throws Exception {
        String runId = changeRequest("chg-7", "CHG-7");

        eventually("tier 1 is told through SNS, PagerDuty and its webhook", () -> posted("/hooks/tier1").size() == 1
                && !wire.findAll(postRequestedFor(urlEqualTo("/")).withRequestBody(containing("Action=Publish"))).isEmpty()
                && pagerDuty("trigger").size() == 1);
        assertThat(posted("/hooks/tier2")).as("tier 2 waits its 3 s").isEmpty();
        String told = posted("/hooks/tier1").get(0).getBodyAsString();
        assertThat(told).contains("waits for a person at step 'allow'", "run " + runId, "tiered", "Apply change CHG-7?",
                "If approved, next:", "applying CHG-7", "https://opsbook.example.com/runs/" + runId, "opsbook ack " + runId);
        assertThat(told).as("a served run has no terminal to go back to").doesNotContain("terminal", "--yes")
                .contains("Step: allow (approve): waits for an answer: opsbook approve " + runId + " allow [--reject]");
        assertThat(pagerDuty("trigger").get(0).getBodyAsString()).contains("R0UT1NGKEYT1ER1abcdef0123456789a", "opsbook/" + runId + "/allow");

        eventually("tier 2 is told when nobody acted", () -> posted("/hooks/tier2").size() == 1);
        List<Escalations.Notice> notices = store.notices(runId);
        assertThat(notices).extracting(Escalations.Notice::tier).containsExactly(0, 1);
        assertThat(Duration.between(notices.get(0).toldAt(), notices.get(1).toldAt())).isGreaterThanOrEqualTo(Duration.ofSeconds(3));
        assertThat(notices.get(0).delivered()).containsExactlyInAnyOrder("sns", "webhook", "pagerduty");

        Approvals.answer(store, loader, runId, "allow", true, "erin", "go ahead", "opsbook approve", Clock.systemUTC());
        eventually("the run finished", () -> store.run(runId).orElseThrow().status() == RunStatus.SUCCEEDED);
        eventually("PagerDuty hears that a person acted, then that the run ended",
                () -> pagerDuty("acknowledge").size() == 1 && pagerDuty("resolve").size() == 1);
        // //why: tier 3 would be due 3 s after tier 2; wait that out (and a tick) to see nobody is told
        Thread.sleep(Math.max(0, Duration.between(java.time.Instant.now(), notices.get(1).toldAt().plusSeconds(5)).toMillis()));
        assertThat(posted("/hooks/tier3")).as("approving stopped the escalation").isEmpty();
        assertThat(posted("/hooks/tier2")).hasSize(1);

        String record = service.operations().records().of(runId).orElseThrow().markdown();
        assertThat(record).contains("## Escalation", "tier 1 told (waiting for a person at step 'allow') through", "tier 2 told",
                "escalation stopped, resolved");
        List<String> trail = service.queries().audits().lines(runId);
        assertThat(trail).filteredOn(l -> l.contains("\"escalation-told\"")).hasSize(2);
        assertThat(trail).filteredOn(l -> l.contains("\"escalation-stopped\"")).singleElement().asString().contains("erin (approved)");
    }

    @Test
    void an_operator_acknowledges_through_the_api_and_no_further_tier_is_told() throws Exception {
        String runId = changeRequest("chg-8", "CHG-8");
        eventually("tier 1 is told", () -> posted("/hooks/tier1").size() == 1);
        String operator = new ApiTokens(store.tokens(), Clock.systemUTC()).issue("otto", Set.of(Role.OPERATOR)).secret();
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> acked = http.send(HttpRequest.newBuilder(URI.create(Served.base() + "/api/runs/" + runId + "/ack"))
                .header("Authorization", "Bearer " + operator).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(acked.statusCode()).as(acked.body()).isEqualTo(200);
        assertThat(acked.body()).contains("\"acknowledgedBy\":\"otto");
        HttpResponse<String> again = http.send(HttpRequest.newBuilder(URI.create(Served.base() + "/api/runs/" + runId + "/ack"))
                .header("Authorization", "Bearer " + operator).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(again.body()).contains("acknowledged already by otto");

        eventually("PagerDuty hears that a person acted", () -> pagerDuty("acknowledge").size() == 1);
        Escalations.Notice first = store.notices(runId).get(0);
        Thread.sleep(Math.max(0, Duration.between(java.time.Instant.now(), first.toldAt().plusSeconds(5)).toMillis()));
        assertThat(posted("/hooks/tier2")).as("tier 2 would have been due 3 s after tier 1").isEmpty();
        assertThat(store.run(runId).orElseThrow().status()).as("the run still waits for its answer").isEqualTo(RunStatus.WAITING);
        assertThat(service.queries().escalation(runId).lines()).anySatisfy(l -> assertThat(l).contains("acknowledged by otto"));
        assertThat(service.queries().escalation(runId).acknowledgeable()).isFalse();
        eventually("the record file under --record-dir says who was told and who acknowledged", () -> recordFile("tiered", runId)
                .contains("tier 1 told (waiting for a person at step 'allow')") && recordFile("tiered", runId).contains("acknowledged by otto"));
    }

    @Test
    void a_failed_runs_record_file_lists_the_tiers_told_after_it_ended() throws Exception {
        assertThat(service.intake().offer("sqs", """
                {"version":"0","id":"brk-1","detail-type":"Broken Change","source":"opsbook.test","account":"1","time":"2026-11-23T03:00:00Z",
                 "region":"us-east-1","resources":[],"detail":{}}""", 1).verdict()).isEqualTo(EventIntake.Verdict.DONE);
        eventually("the run failed", () -> failedRuns().size() == 1);
        String runId = failedRuns().get(0).id();
        eventually("both tiers are told, the second 2 s after the first", () -> posted("/hooks/failed2").size() == 1);

        eventually("the record file lists both tiers", () -> recordFile("failing", runId).contains("tier 2 told (failed) through webhook"));
        String file = recordFile("failing", runId);
        assertThat(file).contains("## Escalation", "tier 1 told (failed) through webhook");
        assertThat(file).as("the file shows what the API shows").isEqualTo(service.operations().records().of(runId).orElseThrow().markdown());
    }

    private List<StoredRun> failedRuns() {
        return store.runs(new RunQuery(Optional.of("failing"), Optional.of(RunStatus.FAILED), Optional.empty(), 10));
    }

    /** The run's record file under the service's record folder, or "" before it is written. */
    private String recordFile(String runbookId, String runId) {
        try {
            Path file = dir.resolve("records").resolve(runbookId).resolve(runId + ".md");
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (java.io.IOException e) {
            return "";
        }
    }

    @Test
    void a_webhook_that_is_down_is_retried_with_backoff_shown_meanwhile_and_counted_while_the_run_waits_on() throws Exception {
        wire.stubFor(post("/hooks/tier1").inScenario("down").whenScenarioStateIs(com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED)
                .willReturn(aResponse().withStatus(503)).willSetStateTo("up"));
        wire.stubFor(post("/hooks/tier1").inScenario("down").whenScenarioStateIs("up").willReturn(aResponse().withStatus(200)));
        String runId = changeRequest("chg-10", "CHG-10");

        eventually("the failing delivery is shown", () -> service.queries().escalation(runId).failing());
        assertThat(service.queries().escalation(runId).lines()).anySatisfy(l -> assertThat(l).contains("tier 1 told", "delivery failed (attempt 1)",
                "webhook", "retried at"));
        assertThat(store.notices(runId).get(0).delivered()).containsExactlyInAnyOrder("sns", "pagerduty");

        eventually("the webhook alone is tried again, 5 s later", () -> posted("/hooks/tier1").size() == 2
                && store.notices(runId).get(0).retryAt().isEmpty());
        Escalations.Notice first = store.notices(runId).get(0);
        assertThat(first.attempts()).isEqualTo(2);
        assertThat(first.delivered()).containsExactlyInAnyOrder("sns", "pagerduty", "webhook");
        assertThat(pagerDuty("trigger")).as("PagerDuty took it the first time").hasSize(1);
        assertThat(Duration.between(posted("/hooks/tier1").get(0).getLoggedDate().toInstant(),
                posted("/hooks/tier1").get(1).getLoggedDate().toInstant())).isGreaterThanOrEqualTo(Duration.ofSeconds(4));
        assertThat(store.run(runId).orElseThrow().status()).as("a channel that is down never fails the run").isEqualTo(RunStatus.WAITING);
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(Served.base() + "/q/metrics"))
                .header("Accept", "text/plain").build(), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).containsPattern("opsbook_notifications_total\\{[^}]*channel=\"webhook\"[^}]*outcome=\"failed\"[^}]*\\} 1\\.0")
                .containsPattern("opsbook_notifications_total\\{[^}]*channel=\"webhook\"[^}]*outcome=\"delivered\"[^}]*\\} [1-9]");
    }
}
