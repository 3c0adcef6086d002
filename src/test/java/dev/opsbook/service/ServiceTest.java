package dev.opsbook.service;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.opsbook.testing.Served;
import dev.opsbook.testing.TestQueue;
import io.quarkus.test.junit.QuarkusTest;
import dev.opsbook.aws.AwsSettings;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.steps.StandardSteps;
import dev.opsbook.store.EventOutcome;
import dev.opsbook.store.JdbcRunStore;
import dev.opsbook.store.ReceivedEvent;
import dev.opsbook.store.RunQuery;
import dev.opsbook.store.RunStore;
import dev.opsbook.store.StoredRun;
import dev.opsbook.trigger.TriggerPatternCheck;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * The service with its real parts, served by the booted application: its channel {@code events}
 * on ElasticMQ (the test queue), {@code POST /events}, an H2 store on disk, WireMock for the
 * escalation webhook.
 */
@QuarkusTest
class ServiceTest {

    @TempDir
    Path dir;

    private RunStore store;
    private RunbookLoader loader;
    private Service service;
    private Served served;
    private SqsClient sqs;
    private WireMockServer hooks;
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    @BeforeEach
    void start() throws Exception {
        hooks = new WireMockServer(options().dynamicPort());
        hooks.start();
        hooks.stubFor(post("/escalate").willReturn(aResponse().withStatus(200)));
        Path runbooks = Files.createDirectories(dir.resolve("runbooks"));
        for (String name : List.of("disk-alarm.md", "gated.md", "one-at-a-time.md")) {
            String text = new String(getClass().getResourceAsStream("/service/" + name).readAllBytes(), StandardCharsets.UTF_8)
                    .replace("ESCALATION_URL", hooks.baseUrl() + "/escalate");
            Files.writeString(runbooks.resolve(name), text);
        }
        store = JdbcRunStore.open(JdbcRunStore.embeddedUrl(dir.resolve("store")), "", "");
        loader = new RunbookLoader(StandardSteps.all().catalog(), List.of(new TriggerPatternCheck()));
        service = newService();
        sqs = TestQueue.client();
    }

    private Service newService() throws java.io.IOException {
        Service started = new Service(new Service.Config(List.of(dir.resolve("runbooks")), dir.resolve("records"), new AwsSettings(Optional.of("us-east-1"), Optional.empty(), Optional.empty()), 3, 4, dir),
                store, loader, new PrintStream(log, true, StandardCharsets.UTF_8));
        served = Served.start(started);
        return started;
    }

    @AfterEach
    void stop() {
        sqs.close();
        served.close();
        service.close();
        store.close();
        hooks.stop();
    }

    private static String diskAlarm(String id, String host, int percent) {
        return """
                {"version":"0","id":"%s","detail-type":"Disk Alarm","source":"opsbook.test","account":"123456789012",
                 "time":"2026-11-23T03:00:00Z","region":"us-east-1","resources":[],"detail":{"host":"%s","percent":%d}}"""
                .formatted(id, host, percent);
    }

    private void send(String body) {
        sqs.sendMessage(b -> b.queueUrl(TestQueue.url()).messageBody(body));
    }

    private void eventually(String what, BooleanSupplier condition) throws InterruptedException {
        dev.opsbook.testing.Eventually.until(what, Duration.ofSeconds(30), condition, () -> log.toString(StandardCharsets.UTF_8));
    }

    private List<StoredRun> runs(String runbook) {
        return store.runs(new RunQuery(Optional.of(runbook), Optional.empty(), Optional.empty(), 2000));
    }

    private long queued() {
        return Long.parseLong(sqs.getQueueAttributes(b -> b.queueUrl(TestQueue.url()).attributeNamesWithStrings(
                "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible")).attributesAsStrings().values().stream()
                .mapToLong(Long::parseLong).sum() + "");
    }

    @Test
    void the_same_event_delivered_three_times_starts_one_run_whose_record_shows_the_event() throws Exception {
        String event = diskAlarm("evt-0001", "web-1", 93);
        send(event);
        send(event);
        send(event);

        eventually("the run finished and the queue drained", () -> runs("disk-alarm").size() == 1
                && runs("disk-alarm").get(0).status() == RunStatus.SUCCEEDED && queued() == 0);
        Thread.sleep(300); // a late duplicate would have shown up by now
        assertThat(runs("disk-alarm")).hasSize(1);
        StoredRun run = runs("disk-alarm").get(0);
        assertThat(run.eventId()).contains("evt-0001");
        assertThat(store.receivedEvent("evt-0001").orElseThrow().outcome()).isEqualTo(EventOutcome.STARTED);
        Path record = dir.resolve("records/disk-alarm/" + run.id() + ".md");
        eventually("the record is written", () -> Files.exists(record));
        assertThat(Files.readString(record)).contains("trigger: event", "cleaning web-1 at 93% for event evt-0001", "\"detail-type\" : \"Disk Alarm\"");
    }

    @Test
    void an_event_claimed_by_an_instance_that_stopped_before_starting_its_run_is_started_once_when_it_comes_back() throws Exception {
        String event = diskAlarm("evt-orphan", "web-9", 97);
        // //why: what a killed instance leaves behind: the event claimed, no run, nothing settled, the message not deleted
        store.claim(new ReceivedEvent("evt-orphan", java.time.Instant.now(), "sqs", "opsbook.test", "Disk Alarm", EventOutcome.RECEIVED,
                "", List.of(), event), "ghost", java.time.Instant.now().plusSeconds(2));
        send(event);

        eventually("the orphaned event started its run", () -> runs("disk-alarm").size() == 1
                && runs("disk-alarm").get(0).status() == RunStatus.SUCCEEDED && queued() == 0);
        Thread.sleep(300);
        assertThat(runs("disk-alarm")).hasSize(1);
        ReceivedEvent settled = store.receivedEvent("evt-orphan").orElseThrow();
        assertThat(settled.outcome()).isEqualTo(EventOutcome.STARTED);
        assertThat(settled.runIds()).containsExactly(runs("disk-alarm").get(0).id());
    }

    @Test
    void malformed_and_foreign_messages_are_rejected_and_recorded_while_the_queue_keeps_flowing() throws Exception {
        send("{ this is not json");
        send("{\"hello\": \"an SQS message that is no EventBridge event\"}");
        send(diskAlarm("evt-after", "db-2", 85));

        eventually("the good event ran", () -> runs("disk-alarm").size() == 1);
        eventually("the queue drained", () -> queued() == 0);
        List<ReceivedEvent> received = store.receivedEvents(10);
        assertThat(received).filteredOn(e -> e.outcome() == EventOutcome.REJECTED).hasSize(2)
                .extracting(ReceivedEvent::reason).anySatisfy(r -> assertThat(r).startsWith("not JSON"))
                .anySatisfy(r -> assertThat(r).contains("detail-type"));
    }

    @Test
    void a_burst_of_a_thousand_alarms_respects_the_concurrency_key_and_the_hourly_limit_and_escalates_once() throws Exception {
        List<SendMessageBatchRequestEntry> batch = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            batch.add(SendMessageBatchRequestEntry.builder().id("m" + i)
                    .messageBody(diskAlarm("burst-" + i, "host-" + (i % 20), 95)).build());
            if (batch.size() == 10) {
                List<SendMessageBatchRequestEntry> entries = List.copyOf(batch);
                sqs.sendMessageBatch(b -> b.queueUrl(TestQueue.url()).entries(entries));
                batch.clear();
            }
        }

        eventually("every alarm settled", () -> queued() == 0 && store.receivedEvents(2000).stream()
                .filter(e -> e.eventId().startsWith("burst-")).filter(e -> e.outcome() != EventOutcome.RECEIVED).count() == 1000);
        List<StoredRun> started = runs("disk-alarm");
        assertThat(started).as("the hourly limit").hasSize(5);
        assertThat(started.stream().map(r -> r.concurrencyKey().orElseThrow()).distinct().count())
                .as("never two runs for one host at once (here: one each)").isEqualTo(started.size());
        assertThat(store.receivedEvents(2000).stream().filter(e -> e.outcome() == EventOutcome.SUPPRESSED).count()).isEqualTo(995);
        hooks.verify(1, postRequestedFor(urlEqualTo("/escalate")));
    }

    @Test
    void an_approval_answered_in_the_store_resumes_the_waiting_run() throws Exception {
        send("""
                {"version":"0","id":"chg-1","detail-type":"Change Request","source":"opsbook.test","account":"1","time":"2026-11-23T03:00:00Z",
                 "region":"us-east-1","resources":[],"detail":{"change":"CHG-42"}}""");
        eventually("the run waits", () -> runs("gated").size() == 1 && runs("gated").get(0).status() == RunStatus.WAITING);
        String runId = runs("gated").get(0).id();
        assertThat(runs("gated").get(0).waitingFor()).isEqualTo("allow");
        eventually("a wait past the approval's timeout escalates, once", () -> !hooks.findAll(postRequestedFor(urlEqualTo("/escalate"))).isEmpty());
        Thread.sleep(1200);
        hooks.verify(1, postRequestedFor(urlEqualTo("/escalate")).withRequestBody(
                com.github.tomakehurst.wiremock.client.WireMock.containing("run " + runId + " of gated waits for a person at step 'allow'")));
        served.close();
        service.close(); // //why: a restarted instance, like a second one, knows from the store that people were told
        service = newService();
        Thread.sleep(1500);
        hooks.verify(1, postRequestedFor(urlEqualTo("/escalate")));

        // as `opsbook approve` does, from another process: only the store is shared
        try (RunStore other = JdbcRunStore.open(JdbcRunStore.embeddedUrl(dir.resolve("store")), "", "")) {
            Approvals.answer(other, loader, runId, "allow", true, "erin", "go ahead", "opsbook approve", Clock.systemUTC());
        }

        eventually("the run resumed and finished", () -> store.run(runId).orElseThrow().status() == RunStatus.SUCCEEDED);
        Path record = dir.resolve("records/gated/" + runId + ".md");
        eventually("the record is rewritten", () -> {
            try {
                return Files.readString(record).contains("status: succeeded");
            } catch (java.io.IOException e) {
                return false;
            }
        });
        assertThat(Files.readString(record)).contains("Approved by **erin** (opsbook approve)", "applying CHG-42");
        String trail = Files.readString(dir.resolve("records/gated/" + runId + ".audit.jsonl"));
        assertThat(trail).contains("\"by\":\"erin\"");
        dev.opsbook.audit.AuditVerifier.Verification verification =
                dev.opsbook.audit.AuditVerifier.verify(dir.resolve("records/gated/" + runId + ".audit.jsonl"), store.auditSeals());
        assertThat(verification.problems()).isEmpty();
        assertThat(verification.sealedBy()).as("sealed in the store as it was written, across the wait").isEqualTo(dev.opsbook.audit.AuditVerifier.SealedBy.STORE);
    }

    @Test
    void an_event_for_a_busy_key_waits_in_the_queue_and_runs_after_the_first() throws Exception {
        for (String id : List.of("down-1", "down-2")) {
            send("""
                    {"version":"0","id":"%s","detail-type":"Service Down","source":"opsbook.test","account":"1","time":"2026-11-23T03:00:00Z",
                     "region":"us-east-1","resources":[],"detail":{"service":"checkout"}}""".formatted(id));
        }

        eventually("both ran", () -> runs("one-at-a-time").size() == 2
                && runs("one-at-a-time").stream().allMatch(r -> r.status() == RunStatus.SUCCEEDED));
        List<StoredRun> both = runs("one-at-a-time").stream().sorted(java.util.Comparator.comparing(StoredRun::startedAt)).toList();
        assertThat(both.get(1).startedAt()).as("the second started only after the first ended")
                .isAfterOrEqualTo(both.get(0).endedAt().orElseThrow().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
        assertThat(store.receivedEvents(10)).filteredOn(e -> e.eventId().startsWith("down-"))
                .extracting(ReceivedEvent::outcome).containsOnly(EventOutcome.STARTED);
    }

    @Test
    void over_http_an_event_for_a_busy_key_answers_503_with_retry_after_so_its_sender_sends_it_again() throws Exception {
        String token = new dev.opsbook.access.ApiTokens(store.tokens(), Clock.systemUTC())
                .issue("eve", java.util.Set.of(dev.opsbook.access.Role.OPERATOR)).secret();
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.util.function.Function<String, java.net.http.HttpResponse<String>> post = id -> {
            try {
                return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(Served.base() + "/events"))
                        .header("Authorization", "Bearer " + token).POST(java.net.http.HttpRequest.BodyPublishers.ofString("""
                                {"version":"0","id":"%s","detail-type":"Service Down","source":"opsbook.test","account":"1",
                                 "time":"2026-11-23T03:00:00Z","region":"us-east-1","resources":[],"detail":{"service":"cart"}}"""
                                .formatted(id))).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };

        assertThat(post.apply("http-down-1").statusCode()).isEqualTo(200);
        java.net.http.HttpResponse<String> busy = post.apply("http-down-2");

        assertThat(busy.statusCode()).as("not 200: an EventBridge API destination retries only on errors").isEqualTo(503);
        assertThat(busy.headers().firstValue("Retry-After")).contains("2");
        assertThat(busy.body()).contains("\"outcome\":\"queued\"", "already active");
        eventually("the first run ended", () -> runs("one-at-a-time").size() == 1
                && runs("one-at-a-time").get(0).status() == RunStatus.SUCCEEDED);
        java.net.http.HttpResponse<String> again = post.apply("http-down-2");
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.body()).contains("\"outcome\":\"started\"");
        eventually("the second ran", () -> runs("one-at-a-time").size() == 2);
    }

    @Test
    void a_runbook_broken_while_serving_is_reported_and_its_last_good_version_kept() throws Exception {
        Path file = dir.resolve("runbooks/disk-alarm.md");
        String good = Files.readString(file);
        Files.writeString(file, good.replace("```shell id=clean", "```shell id=clean needs=nowhere"));
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5000));
        eventually("the broken file is reported", () -> log.toString(StandardCharsets.UTF_8).contains("keeping its last good version"));
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("disk-alarm.md:", "needs 'nowhere', which is not a step");

        send(diskAlarm("evt-while-broken", "web-9", 91));
        eventually("the last good version ran", () -> runs("disk-alarm").size() == 1 && runs("disk-alarm").get(0).status() == RunStatus.SUCCEEDED);

        Files.writeString(file, good.replace("cleaning", "cleaning up"));
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 10000));
        eventually("the fixed file is reloaded", () -> log.toString(StandardCharsets.UTF_8).contains("reloaded " + file));
        send(diskAlarm("evt-after-fix", "web-10", 91));
        eventually("the new version ran", () -> runs("disk-alarm").size() == 2);
        String newest = runs("disk-alarm").stream().max(java.util.Comparator.comparing(StoredRun::startedAt)).orElseThrow().id();
        eventually("its record is written", () -> Files.exists(dir.resolve("records/disk-alarm/" + newest + ".md")));
        eventually("it says the new words", () -> {
            try {
                return Files.readString(dir.resolve("records/disk-alarm/" + newest + ".md")).contains("cleaning up web-10");
            } catch (java.io.IOException e) {
                return false;
            }
        });
    }
}
