package dev.opsbook.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opsbook.aws.AwsSettings;
import dev.opsbook.engine.Resolution;
import dev.opsbook.engine.RunEvent;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.steps.StandardSteps;
import dev.opsbook.store.JdbcRunStore;
import dev.opsbook.store.RunQuery;
import dev.opsbook.store.RunStore;
import dev.opsbook.store.StoredRun;
import dev.opsbook.trigger.TriggerPatternCheck;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two service instances on one store (events offered to an instance's intake directly, as its
 * channel would: the subject here is takeover, not the transport; a full instance and its queue
 * are in {@link FullInstanceQueueTest}): the first dies mid-step (its heartbeat and threads stop, its
 * runs write nothing more), the second takes its run over once the lease expires. Leases last one
 * second here, so takeover happens in about that.
 */
@Timeout(90)
class TakeoverServiceTest {

    private static final Duration LEASE = Duration.ofSeconds(1);

    @TempDir
    Path dir;

    private RunStore store;
    private Path runbooks;
    private final List<Service> services = new ArrayList<>();
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    @BeforeEach
    void prepare() throws Exception {
        runbooks = Files.createDirectories(dir.resolve("runbooks"));
        Files.write(runbooks.resolve("deploy.md"), getClass().getResourceAsStream("/leases/deploy.md").readAllBytes());
        store = JdbcRunStore.open(JdbcRunStore.embeddedUrl(dir.resolve("store")), "", "");
    }

    @AfterEach
    void stop() {
        services.forEach(Service::close);
        store.close();
    }

    private Service start(String instance, int maxRuns) throws Exception {
        return start(instance, maxRuns, LEASE);
    }

    private Service start(String instance, int maxRuns, Duration lease) throws Exception {
        RunbookLoader loader = new RunbookLoader(StandardSteps.all().catalog(), List.of(new TriggerPatternCheck()));
        Service service = new Service(new Service.Config(List.of(runbooks), dir.resolve("records"),
                new AwsSettings(Optional.of("us-east-1"), Optional.empty(), Optional.empty()), 3, maxRuns, dir,
                new Service.Leasing(instance, lease, Clock.systemUTC())), store, loader, new PrintStream(log, true, StandardCharsets.UTF_8));
        service.start();
        services.add(service);
        return service;
    }

    private void send(Service service, String id, String release) {
        offer(service, """
                {"version":"0","id":"%s","detail-type":"Release Ready","source":"opsbook.test","account":"123456789012",
                 "time":"2026-11-23T03:00:00Z","region":"us-east-1","resources":[],"detail":{"release":"%s","marker":"%s"}}"""
                .formatted(id, release, dir.resolve(release).toString().replace("\\", "\\\\")));
    }

    /** As the channel does with a message: an instance with room takes it at once. */
    private void offer(Service service, String body) {
        assertThat(service.intake().offer("sqs", body, 1).verdict()).isEqualTo(EventIntake.Verdict.DONE);
    }

    private void eventually(String what, BooleanSupplier condition) throws InterruptedException {
        dev.opsbook.testing.Eventually.until(what, Duration.ofSeconds(30), condition, () -> log.toString(StandardCharsets.UTF_8));
    }

    private StoredRun only() {
        List<StoredRun> runs = store.runs(RunQuery.latest(10));
        assertThat(runs).hasSize(1);
        return runs.get(0);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private String said() {
        return log.toString(StandardCharsets.UTF_8);
    }

    @Test
    void a_run_whose_instance_died_mid_step_is_taken_over_needs_attention_and_finishes_once_resolved_with_retry() throws Exception {
        Service first = start("instance-a", 4);
        send(first, "evt-1", "r1");
        eventually("deploy is running on instance-a", () -> Files.exists(dir.resolve("r1.started")));

        first.abandon();
        Thread.sleep(LEASE.toMillis() + 200);
        start("instance-b", 4);

        String runId = only().id();
        eventually("the run needs attention", () -> only().status() == RunStatus.NEEDS_ATTENTION && said().contains("needs attention"));
        assertThat(said()).contains("run " + runId + " of deploy taken over from instance-a",
                "run " + runId + " of deploy needs attention: step 'deploy', attempt 1 started at ");
        assertThat(only().waitingFor()).isEqualTo("deploy");
        assertThat(dir.resolve("r1")).as("deploy never finished on instance-a").doesNotExist();
        assertThat(store.events(runId)).filteredOn(e -> e instanceof RunEvent.StepFinished f && f.key().equals("prepare")).hasSize(1);

        Approvals.resolve(store, runId, "deploy", Resolution.RETRY, "carol", "nothing was deployed", Clock.systemUTC());

        eventually("the run succeeded", () -> only().status() == RunStatus.SUCCEEDED);
        assertThat(Files.readString(dir.resolve("r1"))).isEqualTo("deployed r1\n");
        assertThat(store.events(runId)).as("prepare, completed before the death, ran once")
                .filteredOn(e -> e instanceof RunEvent.StepStarted s && s.key().equals("prepare")).hasSize(1);
        Path record = dir.resolve("records/deploy/" + runId + ".md");
        eventually("the final record is written", () -> Files.exists(record) && read(record).contains("status: succeeded"));
        assertThat(Files.readString(record)).contains("Run taken over by instance-b from instance-a", "`deploy` resolved by carol: retry");
        assertThat(Files.readString(dir.resolve("records/deploy/" + runId + ".audit.jsonl")))
                .contains("\"run-taken-over\"", "\"step-interrupted\"", "\"step-resolved\"");
    }

    @Test
    void a_run_whose_instance_died_while_a_step_waited_to_retry_retries_on_the_new_instance_at_the_stored_time() throws Exception {
        Files.write(runbooks.resolve("flaky.md"), getClass().getResourceAsStream("/leases/flaky.md").readAllBytes());
        Service first = start("instance-a", 4);
        offer(first, """
                {"version":"0","id":"evt-flaky","detail-type":"Flaky Release Ready","source":"opsbook.test","account":"123456789012",
                 "time":"2026-11-23T03:00:00Z","region":"us-east-1","resources":[],"detail":{"release":"r9","marker":"%s"}}"""
                .formatted(dir.resolve("r9").toString().replace("\\", "\\\\")));
        eventually("attempt 1 failed on instance-a and its retry is stored", () -> !store.runs(RunQuery.latest(10)).isEmpty()
                && store.events(only().id()).stream().anyMatch(e -> e instanceof RunEvent.AttemptFinished a && a.retryAt().isPresent()));

        first.abandon();
        Thread.sleep(LEASE.toMillis() + 200);
        start("instance-b", 4);

        String runId = only().id();
        eventually("the run succeeded on instance-b", () -> only().status() == RunStatus.SUCCEEDED);
        List<RunEvent> events = store.events(runId);
        java.time.Instant retryAt = events.stream().filter(e -> e instanceof RunEvent.AttemptFinished a && a.retryAt().isPresent())
                .map(e -> ((RunEvent.AttemptFinished) e).retryAt().orElseThrow()).findFirst().orElseThrow();
        assertThat(events).as("the waiting step was not in flight: nothing to interrupt").noneMatch(e -> e instanceof RunEvent.StepInterrupted);
        assertThat(events).filteredOn(e -> e instanceof RunEvent.RunTakenOver).hasSize(1);
        assertThat(events).filteredOn(e -> e instanceof RunEvent.RetryStarted).singleElement()
                .satisfies(e -> assertThat(((RunEvent.RetryStarted) e).attempt()).isEqualTo(2))
                .satisfies(e -> assertThat(e.at()).as("not before the time instance-a stored").isAfterOrEqualTo(retryAt.minusMillis(10)));
        assertThat(Files.readString(dir.resolve("r9.attempts"))).isEqualTo("attempt 1\nattempt 2\n");
    }

    @Test
    void a_killed_instance_of_this_host_has_its_runs_taken_over_at_the_first_tick_not_when_its_lease_ends() throws Exception {
        Duration longLease = Duration.ofMinutes(2);
        Service first = start("instance-a", 4, longLease);
        send(first, "evt-1", "r1");
        eventually("deploy is running on instance-a", () -> Files.exists(dir.resolve("r1.started")));
        first.abandon();
        Process ended = new ProcessBuilder("true").start();
        ended.waitFor();
        java.time.Instant now = Clock.systemUTC().instant();
        store.registerInstance(new dev.opsbook.store.EngineInstance("instance-a", Service.Leasing.hostName(), ended.pid()), now,
                now.minus(longLease));

        start("instance-b", 4, longLease);

        String runId = only().id();
        assertThat(said()).contains("instance instance-a (pid " + ended.pid() + " on this host) is gone; its runs are taken over now");
        eventually("the run is taken over long before instance-a's lease of 2 m ends",
                () -> said().contains("run " + runId + " of deploy taken over from instance-a"));
    }

    @Test
    void a_second_live_instance_on_the_embedded_store_is_refused() throws Exception {
        start("instance-a", 4, Duration.ofSeconds(30));

        assertThatThrownBy(() -> start("instance-b", 4, Duration.ofSeconds(30)))
                .hasMessageStartingWith("another opsbook serve (instance-a) is using H2 file ")
                .hasMessageContaining("which serves one instance; stop it, or give every instance one PostgreSQL store");
    }
}
