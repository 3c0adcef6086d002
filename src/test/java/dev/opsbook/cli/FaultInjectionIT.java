package dev.opsbook.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.opsbook.engine.RunEvent;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.engine.StepStatus;
import dev.opsbook.store.JdbcRunStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.elasticmq.NodeAddress;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Issue 5's proof: several {@code opsbook serve} processes share one PostgreSQL and one SQS
 * queue while the test kills them ({@code kill -9}) at random moments, restarts PostgreSQL once
 * and drains one with SIGTERM; every event must start exactly one run, every run must finish
 * exactly once, and no step that completed may have its AWS call made twice (WireMock counts
 * the calls per run and step: every input carries {@code /faults/RUN/STEP}).
 *
 * <p>Replay a failure with {@code -Dopsbook.faults.seed=N} (the seed is printed); the number of
 * events is {@code -Dopsbook.faults.runs} (100). Process timing is not in the seed's hands, so a
 * replay repeats the schedule of faults, not every interleaving.
 */
class FaultInjectionIT {

    private static final int RUNS = Integer.getInteger("opsbook.faults.runs", 100);
    private static final long SEED = Long.getLong("opsbook.faults.seed", System.currentTimeMillis() % 100_000);
    /** The whole drill, faults and all, must be over within this; it is what keeps {@code ./mvnw verify} bounded. */
    private static final Duration BUDGET = Duration.ofSeconds(Long.getLong("opsbook.faults.budget-seconds", 170));
    private static final Pattern CALL = Pattern.compile("/faults/([A-Za-z0-9-]+)/([a-z]+)");
    /** The drill's one step that must never be done twice; the others are read-only or safe to repeat. */
    private static final String NOT_IDEMPOTENT = "act";
    private static final Set<RunStatus> FINAL = Set.of(RunStatus.SUCCEEDED, RunStatus.FAILED, RunStatus.CANCELLED);
    private static final Path LOG = Path.of("target/fault-injection.log").toAbsolutePath();

    @TempDir
    Path dir;

    private final Random random = new Random(SEED);
    private final Map<String, Instance> instances = new LinkedHashMap<>();
    private final List<String> journal = new CopyOnWriteArrayList<>();
    private final ExecutorService operator = Executors.newSingleThreadExecutor();
    private final Set<String> answering = ConcurrentHashMap.newKeySet();
    private final Map<String, String> resolutions = new ConcurrentHashMap<>();
    private final AtomicInteger approvals = new AtomicInteger();
    private WireMockServer aws;
    private SQSRestServer sqsServer;
    private String queueUrl;
    private Postgres postgres;
    private boolean leases;

    @BeforeEach
    void start() throws Exception {
        System.out.println("fault injection: seed=" + SEED + " (replay with -Dopsbook.faults.seed=" + SEED + ")");
        postgres = Postgres.start(dir.resolve("pg"));
        aws = new WireMockServer(options().dynamicPort().containerThreads(60).jettyAcceptors(2));
        aws.start();
        stubAws();
        int sqsPort = freePort();
        sqsServer = SQSRestServerBuilder.withInterface("127.0.0.1").withPort(sqsPort)
                .withServerAddress(new NodeAddress("http", "127.0.0.1", sqsPort, "")).start();
        sqsServer.waitUntilStarted();
        try (SqsClient sqs = sqs(sqsPort)) {
            // //why: a short visibility timeout, so a message an instance held when it was killed comes back within seconds
            queueUrl = sqs.createQueue(b -> b.queueName("fault-drill").attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "5")))
                    .queueUrl();
        }
        Path runbooks = Files.createDirectories(dir.resolve("runbooks"));
        Files.copy(Path.of("src/test/resources/faults/fault-drill.md"), runbooks.resolve("fault-drill.md"));
        leases = Cli.run(dir, "serve", "--help").stdout().contains("--lease");
        // //why: without leases a killed instance's runs stay running forever and a drain cancels runs: the drill cannot pass, so it
        // says so and skips until serve has --lease; -Dopsbook.faults.force=true runs it anyway (no kills) to see what breaks today
        Assumptions.assumeTrue(leases || Boolean.getBoolean("opsbook.faults.force"),
                "opsbook serve has no --lease yet: the fault drill needs leased runs and takeover (issue 5)");
    }

    @AfterEach
    void stop() throws Exception {
        for (Instance instance : instances.values()) {
            instance.kill();
        }
        operator.shutdownNow();
        Files.write(LOG, journal);
        System.out.println("fault injection: every line of every instance is in " + LOG);
        if (aws != null) {
            aws.stop();
        }
        if (sqsServer != null) {
            sqsServer.stopAndWait();
        }
        if (postgres != null) {
            postgres.stop();
        }
    }

    private static SqsClient sqs(int port) {
        return SqsClient.builder().endpointOverride(URI.create("http://127.0.0.1:" + port)).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("faults", "faults"))).build();
    }

    private void stubAws() {
        // //why: delays at the AWS end, so a kill lands while a call is in flight more often than between steps
        aws.stubFor(post("/").withHeader("X-Amz-Target", equalTo("AmazonSSM.GetParameter"))
                .willReturn(ssm("{\"Parameter\":{\"Name\":\"/faults\",\"Type\":\"String\",\"Value\":\"ok\",\"Version\":1}}", 50, 300)));
        aws.stubFor(post("/").withHeader("X-Amz-Target", equalTo("AmazonSSM.PutParameter"))
                .willReturn(ssm("{\"Version\":1,\"Tier\":\"Standard\"}", 100, 500)));
        aws.stubFor(post("/").withHeader("X-Amz-Target", equalTo("AmazonSSM.SendCommand"))
                .willReturn(ssm("{\"Command\":{\"CommandId\":\"cmd-0001\",\"DocumentName\":\"AWS-RunShellScript\",\"Status\":\"Pending\"}}",
                        200, 800)));
    }

    private static ResponseDefinitionBuilder ssm(String body, int minDelay, int maxDelay) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/x-amz-json-1.1")
                .withHeader("x-amzn-RequestId", "req-faults").withBody(body).withUniformRandomDelay(minDelay, maxDelay);
    }

    // ---- the drill ---------------------------------------------------------------------------------

    @Test
    void a_hundred_event_runs_survive_kills_a_database_restart_and_a_drain_finishing_once_each_with_no_step_done_twice() throws Exception {
        long began = System.nanoTime();
        Counts counts = new Counts();
        startInstance("a");
        startInstance("b");
        awaitReady(instances.values());
        log("a and b serve; sending " + RUNS + " events");

        List<Action> plan = plan();
        try (SqsClient sqs = sqs(URI.create(queueUrl).getPort())) {
            long t0 = System.nanoTime();
            int sent = 0;
            int step = 0;
            while (sent < RUNS || step < plan.size()) {
                long now = millisSince(t0);
                while (sent < RUNS && now >= sendAt(sent)) {
                    String body = event(sent);
                    sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(body));
                    sent++;
                }
                while (step < plan.size() && now >= plan.get(step).atMillis()) {
                    plan.get(step).run(counts);
                    step++;
                }
                operate();
                checkBudget(began, "sending events and injecting faults");
                Thread.sleep(100);
            }
        }
        for (Instance instance : instances.values()) {
            if (!instance.alive()) {
                instance.start();
            }
        }
        log("faults over; waiting until every run is final");
        Map<String, StoredRow> rows = Map.of();
        while (true) {
            operate();
            rows = rows().orElse(rows);
            long finished = rows.values().stream().filter(StoredRow::isFinal).count();
            if (rows.size() >= RUNS && finished == rows.size()) {
                break;
            }
            if (Duration.ofNanos(System.nanoTime() - began).compareTo(BUDGET) > 0) {
                break; // the assertions below say what is missing
            }
            Thread.sleep(250);
        }
        for (Instance instance : instances.values()) {
            instance.terminate();
        }
        long seconds = Duration.ofNanos(System.nanoTime() - began).toSeconds();

        Verdict verdict = judge();
        int takeovers = (int) journal.stream().filter(l -> l.contains(" taken over from ")).count();
        String figures = "fault injection: runs=" + RUNS + " final=" + verdict.finalRuns + " kills=" + counts.kills + " takeovers=" + takeovers
                + " needs-attention=" + resolutions.size() + " approvals=" + approvals.get() + " retries=" + verdict.retries
                + " pg-restarts=" + counts.pgRestarts + " drains=" + counts.drains + " duplicates=" + verdict.duplicates.size()
                + " lost=" + verdict.lost.size() + " in " + seconds + " s (seed " + SEED + (leases ? "" : ", no leases: no kills") + ")";
        System.out.println(figures);
        journal.add(figures);

        assertThat(verdict.lost).as("events that started no run, or more than one").isEmpty();
        assertThat(verdict.notFinishedOnce).as("runs without exactly one RunFinished").isEmpty();
        assertThat(verdict.duplicates).as("steps whose call was made again after they completed, or a non-idempotent step called twice").isEmpty();
        assertThat(verdict.notSucceeded).as("runs that did not succeed (the drill cannot fail by itself)").isEmpty();
        assertThat(verdict.untrue).as("runs whose chain does not verify from the store, or whose record file is not the store's record").isEmpty();
        assertThat(verdict.finalRuns).isEqualTo(RUNS);
        assertThat(counts.drainExits).as("serve drained on SIGTERM and exited 0 within its grace period").allMatch(exit -> exit == 0);
        assertThat(counts.pgRestarts).isEqualTo(1);
        if (leases) {
            assertThat(counts.kills).as("the drill killed instances").isGreaterThan(0);
            assertThat(takeovers).as("a killed instance's runs were taken over").isGreaterThan(0);
        }
        assertThat(Duration.ofSeconds(seconds)).isLessThan(BUDGET.plusSeconds(30));
    }

    /** Every fault at its moment: a third instance joins, kills with restarts, one PostgreSQL restart, one drain. */
    private List<Action> plan() {
        List<Action> plan = new ArrayList<>();
        long end = sendAt(RUNS - 1);
        plan.add(new Action(end / 4, "start c", c -> {
            startInstance("c");
        }));
        if (leases) {
            for (long at = 3000 + random.nextInt(3000); at < end; at += 3000 + random.nextInt(4000)) {
                long restartAfter = 1000 + random.nextInt(2000);
                plan.add(new Action(at, "kill -9", c -> killOne(c, restartAfter)));
            }
        }
        plan.add(new Action(end / 3 + random.nextInt((int) (end / 6)), "restart PostgreSQL", c -> {
            log("stopping PostgreSQL");
            postgres.stop();
            Thread.sleep(1000);
            postgres = Postgres.start(dir.resolve("pg"));
            c.pgRestarts++;
            log("PostgreSQL is back");
        }));
        plan.add(new Action(end * 2 / 3 + random.nextInt((int) (end / 6)), "SIGTERM", this::drainOne));
        plan.sort(java.util.Comparator.comparingLong(Action::atMillis));
        return plan;
    }

    private record Action(long atMillis, String what, Step step) {
        void run(Counts counts) throws Exception {
            step.run(counts);
        }
    }

    @FunctionalInterface
    private interface Step {
        void run(Counts counts) throws Exception;
    }

    private static final class Counts {
        int kills;
        int pgRestarts;
        int drains;
        final List<Integer> drainExits = new CopyOnWriteArrayList<>();
    }

    private long sendAt(int event) {
        return 300L * event;
    }

    private void killOne(Counts counts, long restartAfter) throws InterruptedException {
        List<Instance> alive = instances.values().stream().filter(i -> i.alive() && !i.draining).toList();
        if (alive.isEmpty()) {
            return;
        }
        Instance victim = alive.get(random.nextInt(alive.size()));
        victim.kill();
        counts.kills++;
        log("killed " + victim.name + " (kill -9); it restarts in " + restartAfter + " ms");
        Thread restart = new Thread(() -> {
            try {
                Thread.sleep(restartAfter);
                synchronized (victim) {
                    if (!victim.alive()) {
                        victim.start();
                    }
                }
            } catch (Exception e) {
                log("cannot restart " + victim.name + ": " + e);
            }
        });
        restart.setDaemon(true);
        restart.start();
    }

    /** SIGTERM to one instance: it must stop taking events, let its runs finish or hand them over, and exit 0 within the grace. */
    private void drainOne(Counts counts) {
        // //why: a drain is of a serving instance: one still starting has no handler for SIGTERM yet, and the JVM's own ends it with 143
        List<Instance> alive = instances.values().stream().filter(Instance::ready).toList();
        for (int waited = 0; alive.isEmpty() && waited < 100; waited++) {
            sleepQuietly(100);
            alive = instances.values().stream().filter(Instance::ready).toList();
        }
        if (alive.isEmpty()) {
            return;
        }
        Instance drained = alive.get(random.nextInt(alive.size()));
        drained.draining = true;
        counts.drains++;
        log("SIGTERM to " + drained.name);
        Thread drain = new Thread(() -> {
            try {
                long start = System.nanoTime();
                int exit = drained.terminate();
                counts.drainExits.add(exit);
                log(drained.name + " exited " + exit + " after SIGTERM in " + millisSince(start) + " ms");
                synchronized (drained) {
                    drained.draining = false;
                    if (!drained.alive()) {
                        drained.start();
                    }
                }
            } catch (Exception e) {
                log("drain of " + drained.name + " failed: " + e);
                counts.drainExits.add(-1);
            }
        });
        drain.setDaemon(true);
        drain.start();
    }

    private String event(int n) {
        boolean gate = n % 9 == 4; // a few runs ask a person first
        return "{\"version\":\"0\",\"id\":\"fault-" + n + "\",\"detail-type\":\"Fault Drill\",\"source\":\"opsbook.faults\","
                + "\"account\":\"123456789012\",\"time\":\"2026-11-23T03:00:00Z\",\"region\":\"us-east-1\",\"resources\":[],"
                + "\"detail\":{\"target\":\"host-" + n + "\",\"gate\":" + gate + "}}";
    }

    // ---- the operator: approvals and needs-attention, as a person at a terminal would -------------

    /** Answers waiting runs with opsbook approve and resolves runs that need attention with opsbook resolve, one command at a time. */
    private void operate() {
        Optional<Map<String, StoredRow>> rows = rows();
        if (rows.isEmpty()) {
            return;
        }
        for (StoredRow row : rows.get().values()) {
            if (answering.contains(row.stop())) {
                continue;
            }
            if (row.status.equals("waiting") && row.waitingFor.contains("allow")) {
                answering.add(row.stop());
                operator.submit(() -> {
                    Cli.Result result = cli("approve", row.id, "allow", "--comment", "fault drill");
                    if (result.exitCode() == 0) {
                        approvals.incrementAndGet();
                        log("approved " + row.id);
                        answering.add(row.id + "@" + (row.lastSeq + 1)); // its answer, until a serve takes it up
                    } else {
                        log("approve " + row.id + " said " + result.exitCode() + ": " + result.all().strip());
                        answering.remove(row.stop()); // the next look decides again (PostgreSQL may have been down)
                    }
                });
            } else if (row.status.equals("needs-attention")) {
                answering.add(row.stop());
                String step = row.waitingFor.split(",")[0];
                operator.submit(() -> {
                    // //why: what the calls show decides: the call reached AWS, so doing it again would do it twice; else retry
                    boolean called = calls(row.id, step) > 0;
                    String decision = called ? "--skip" : "--retry";
                    Cli.Result result = cli("resolve", row.id, step, decision, "--by", "fault-drill",
                            "--comment", called ? "the call reached AWS" : "no call reached AWS");
                    if (result.exitCode() == 0) {
                        resolutions.put(row.id, step + " " + decision);
                        log("resolved " + row.id + " at " + step + " with " + decision);
                        answering.add(row.id + "@" + (row.lastSeq + 1)); // its resolution, until a serve takes it up
                    } else {
                        log("resolve " + row.id + " said " + result.exitCode() + ": " + result.all().strip());
                        answering.remove(row.stop());
                    }
                });
            }
        }
    }

    private int calls(String runId, String step) {
        return (int) aws.getAllServeEvents().stream().map(e -> callOf(e)).flatMap(Optional::stream)
                .filter(c -> c.runId.equals(runId) && c.step.equals(step)).count();
    }

    private record Call(String runId, String step, Instant at) {
    }

    private static Optional<Call> callOf(ServeEvent event) {
        Matcher matcher = CALL.matcher(event.getRequest().getBodyAsString());
        return matcher.find() ? Optional.of(new Call(matcher.group(1), matcher.group(2), event.getRequest().getLoggedDate().toInstant()))
                : Optional.empty();
    }

    private Cli.Result cli(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--store", postgres.url()));
        try {
            Path out = Files.createTempFile(dir, "cli-", ".out");
            ProcessBuilder builder = Cli.builder(dir, all.toArray(String[]::new)).redirectErrorStream(true).redirectOutput(out.toFile());
            builder.environment().put("OPSBOOK_STORE_USER", "postgres");
            Process process = builder.start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Cli.Result(-1, "", "timed out");
            }
            return new Cli.Result(process.exitValue(), Files.readString(out), "");
        } catch (IOException e) {
            return new Cli.Result(-1, "", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Cli.Result(-1, "", e.toString());
        }
    }

    // ---- the store, read as it is ------------------------------------------------------------------

    private record StoredRow(String id, String eventId, String status, String waitingFor, long lastSeq) {
        /** Where the run stopped: a run may wait for a person, then need attention, then again. */
        String stop() {
            return id + "@" + lastSeq;
        }

        boolean isFinal() {
            return Set.of("succeeded", "failed", "cancelled").contains(status);
        }
    }

    /** The runs table, or nothing while PostgreSQL is down. */
    private Optional<Map<String, StoredRow>> rows() {
        try (Connection connection = DriverManager.getConnection(postgres.url(), "postgres", "");
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT id, event_id, status, waiting_for, last_seq FROM runs")) {
            Map<String, StoredRow> rows = new TreeMap<>();
            while (rs.next()) {
                rows.put(rs.getString(1), new StoredRow(rs.getString(1), rs.getString(2),
                        rs.getString(3).toLowerCase(java.util.Locale.ROOT).replace('_', '-'), rs.getString(4), rs.getLong(5)));
            }
            return Optional.of(rows);
        } catch (SQLException e) {
            return Optional.empty();
        }
    }

    private static final class Verdict {
        int finalRuns;
        int retries;
        final List<String> lost = new ArrayList<>();
        final List<String> notFinishedOnce = new ArrayList<>();
        final List<String> duplicates = new ArrayList<>();
        final List<String> notSucceeded = new ArrayList<>();
        /** Runs whose audit chain in the store does not verify, or whose record file is not the one rendered from the store. */
        final List<String> untrue = new ArrayList<>();
    }

    /** Reads every run's events and every call WireMock saw, and says what went wrong. */
    private Verdict judge() {
        Verdict verdict = new Verdict();
        Map<String, StoredRow> rows = rows().orElseThrow();
        Map<String, List<String>> runsByEvent = new HashMap<>();
        rows.values().forEach(r -> runsByEvent.computeIfAbsent(r.eventId, e -> new ArrayList<>()).add(r.id));
        for (int n = 0; n < RUNS; n++) {
            List<String> runs = runsByEvent.getOrDefault("fault-" + n, List.of());
            if (runs.size() != 1) {
                verdict.lost.add("fault-" + n + " started " + runs);
            }
        }
        Map<String, Map<String, List<Instant>>> calls = new HashMap<>();
        for (ServeEvent event : aws.getAllServeEvents()) {
            callOf(event).ifPresentOrElse(
                    c -> calls.computeIfAbsent(c.runId, r -> new HashMap<>()).computeIfAbsent(c.step, s -> new ArrayList<>()).add(c.at),
                    () -> verdict.duplicates.add("a call the drill does not make: " + event.getRequest().getBodyAsString()));
        }
        try (JdbcRunStore store = JdbcRunStore.open(postgres.url(), "postgres", "")) {
            for (StoredRow row : rows.values()) {
                List<RunEvent> events = store.events(row.id);
                // //why: a run that stops to wait (for a person, or for attention) ends that stretch with a RunFinished too; only a final one counts
                long finishes = events.stream().filter(e -> e instanceof RunEvent.RunFinished f && FINAL.contains(f.status())).count();
                if (finishes != 1) {
                    verdict.notFinishedOnce.add(row.id + " finished " + finishes + " times (" + row.status + "): " + history(events));
                }
                if (row.isFinal()) {
                    verdict.finalRuns++;
                }
                if (!row.status.equals("succeeded")) {
                    verdict.notSucceeded.add(row.id + " " + row.status + ": " + history(events));
                }
                checkChainAndRecord(store, row.id, verdict);
                Map<String, String> stepOfKey = new HashMap<>();
                Map<String, Instant> completed = new HashMap<>();
                for (RunEvent event : events) {
                    if (event instanceof RunEvent.StepStarted started) {
                        stepOfKey.put(started.key(), started.stepId());
                    } else if (event instanceof RunEvent.StepFinished finished && finished.status() == StepStatus.SUCCEEDED) {
                        completed.putIfAbsent(stepOfKey.getOrDefault(finished.key(), finished.key()), finished.at());
                    }
                }
                for (var step : calls.getOrDefault(row.id, Map.of()).entrySet()) {
                    Instant done = completed.getOrDefault(step.getKey(), Instant.MAX);
                    long after = step.getValue().stream().filter(at -> at.isAfter(done)).count();
                    long before = step.getValue().size() - after;
                    if (after > 0) {
                        verdict.duplicates.add(row.id + " step " + step.getKey() + " called " + after + " more time(s) after it completed at " + done);
                    }
                    if (step.getKey().equals(NOT_IDEMPOTENT) && before > 1) {
                        verdict.duplicates.add(row.id + " step " + NOT_IDEMPOTENT + " (not idempotent) called " + before + " times");
                    } else if (before > 1) {
                        verdict.retries += (int) before - 1; // in flight at a kill, then retried: allowed for read-only and idempotent steps
                    }
                }
            }
        }
        return verdict;
    }

    /**
     * //why: kills and takeovers move a run between instances mid-way; its history must still be one chain that
     * verifies against its seal, and the record file the last instance wrote the one any instance renders
     */
    private void checkChainAndRecord(JdbcRunStore store, String runId, Verdict verdict) {
        try {
            var verification = new dev.opsbook.service.RunAudits(store).verify(runId);
            if (!verification.valid() || verification.sealedBy() != dev.opsbook.audit.AuditVerifier.SealedBy.STORE) {
                verdict.untrue.add(runId + " chain: " + verification.problems() + " sealed by " + verification.sealedBy());
            }
        } catch (dev.opsbook.service.RunAudits.Unavailable e) {
            verdict.untrue.add(runId + " chain: " + e.getMessage());
        }
        var rendered = new dev.opsbook.service.RunRecords(store, new dev.opsbook.graph.RunbookLoader(
                dev.opsbook.steps.StandardSteps.all().catalog(), List.of())).of(runId).orElseThrow();
        Path file = rendered.fileIn(dir.resolve("records"));
        try {
            if (!Files.isRegularFile(file) || !Files.readString(file).equals(rendered.markdown())) {
                verdict.untrue.add(runId + " record: " + file + (Files.isRegularFile(file) ? " differs from the record rendered from the store"
                        : " was not written"));
            }
        } catch (IOException e) {
            verdict.untrue.add(runId + " record: " + e);
        }
    }

    /** A run's events in a line, for a person reading a failure: "RunStarted StepStarted(describe) ...". */
    private static String history(List<RunEvent> events) {
        Map<String, String> steps = new HashMap<>();
        List<String> words = new ArrayList<>();
        for (RunEvent event : events) {
            String name = event.getClass().getSimpleName();
            if (event instanceof RunEvent.StepStarted started) {
                steps.put(started.key(), started.stepId());
                words.add(name + "(" + started.stepId() + ")");
            } else if (event instanceof RunEvent.StepFinished finished) {
                words.add(name + "(" + steps.getOrDefault(finished.key(), finished.key()) + " " + finished.status() + ")");
            } else if (event instanceof RunEvent.RunFinished finished) {
                words.add(name + "(" + finished.status() + ")");
            } else if (!(event instanceof RunEvent.AttemptFinished || event instanceof RunEvent.CallMade)) {
                words.add(name);
            }
        }
        return String.join(" ", words);
    }

    // ---- processes -----------------------------------------------------------------------------------

    private void startInstance(String name) throws IOException {
        Instance instance = new Instance(name);
        instances.put(name, instance);
        instance.start();
    }

    private void awaitReady(Iterable<Instance> all) throws InterruptedException {
        for (Instance instance : all) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!instance.ready()) {
                if (System.nanoTime() > deadline || !instance.alive()) {
                    throw new AssertionError(instance.name + " did not start serving:\n" + String.join("\n", journal));
                }
                Thread.sleep(100);
            }
        }
    }

    private void checkBudget(long began, String doing) {
        if (Duration.ofNanos(System.nanoTime() - began).compareTo(BUDGET) > 0) {
            throw new AssertionError("the drill took longer than " + BUDGET.toSeconds() + " s while " + doing + ":\n" + String.join("\n", journal));
        }
    }

    private void log(String line) {
        journal.add(Instant.now() + " test: " + line);
    }

    private final class Instance {
        final String name;
        private volatile Process process;
        private volatile boolean ready;
        /** SIGTERM sent: the drill does not kill it too, or the drain would prove nothing. */
        volatile boolean draining;

        Instance(String name) {
            this.name = name;
        }

        synchronized void start() throws IOException {
            List<String> args = new ArrayList<>(List.of("serve", "--store", postgres.url(), "--queue-url", queueUrl,
                    "--endpoint-url", aws.baseUrl(), "--region", "us-east-1", "--port", "0", "--runbooks", "runbooks",
                    "--record-dir", "records", "--max-runs", "4"));
            if (leases) {
                args.addAll(List.of("--lease", "2s", "--instance", name, "--drain", "10s"));
            }
            ready = false;
            ProcessBuilder builder = Cli.builder(dir, args.toArray(String[]::new)).redirectErrorStream(true);
            builder.environment().put("OPSBOOK_STORE_USER", "postgres");
            Process started = builder.start();
            process = started;
            Thread reader = new Thread(() -> {
                try (BufferedReader lines = new BufferedReader(new InputStreamReader(started.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = lines.readLine()) != null) {
                        if (line.startsWith("http: ")) {
                            ready = true;
                        }
                        journal.add(Instant.now() + " " + name + ": " + line);
                    }
                } catch (IOException e) {
                    // the process ended
                }
            }, "fault-" + name);
            reader.setDaemon(true);
            reader.start();
            log("started " + name + " (pid " + started.pid() + ")");
        }

        boolean alive() {
            return process != null && process.isAlive();
        }

        boolean ready() {
            return ready && alive();
        }

        /** kill -9: no shutdown hook, no drain, leases left to expire. */
        synchronized void kill() throws InterruptedException {
            if (alive()) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }

        /** SIGTERM, then the exit status (or -1 past the grace period plus a margin, when it is killed). */
        int terminate() throws InterruptedException {
            Process current = process;
            if (current == null || !current.isAlive()) {
                return current == null ? 0 : current.exitValue();
            }
            current.destroy();
            if (!current.waitFor(25, TimeUnit.SECONDS)) {
                current.destroyForcibly();
                return -1;
            }
            return current.exitValue();
        }
    }

    private static long millisSince(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** PostgreSQL on a fixed port and data folder, so it can be stopped and started again mid-drill with its data. */
    private static final class Postgres {
        private static int port;
        private final EmbeddedPostgres server;

        private Postgres(EmbeddedPostgres server) {
            this.server = server;
        }

        static Postgres start(Path data) throws IOException {
            if (port == 0) {
                port = freePort();
            }
            try {
                return new Postgres(EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).setPort(port)
                        .setServerConfig("max_connections", "200").setPGStartupWait(Duration.ofSeconds(30)).start());
            } catch (RuntimeException e) {
                for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                    if ("Missing embedded postgres binaries".equals(cause.getMessage())) {
                        Assumptions.abort("no embedded PostgreSQL binaries for " + System.getProperty("os.name") + " " + System.getProperty("os.arch"));
                    }
                }
                throw e;
            }
        }

        String url() {
            return "jdbc:postgresql://localhost:" + port + "/postgres";
        }

        void stop() throws IOException {
            server.close();
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
