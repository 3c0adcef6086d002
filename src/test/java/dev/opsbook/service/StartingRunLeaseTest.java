package dev.opsbook.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.opsbook.aws.AwsClients;
import dev.opsbook.aws.AwsInvoker;
import dev.opsbook.aws.AwsServices;
import dev.opsbook.aws.AwsSettings;
import dev.opsbook.engine.Attempt;
import dev.opsbook.engine.Resolution;
import dev.opsbook.engine.Role;
import dev.opsbook.engine.RunEvent;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.graph.RunbookCheck;
import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.metrics.ServiceMetrics;
import dev.opsbook.steps.StandardSteps;
import dev.opsbook.store.JdbcRunStore;
import dev.opsbook.store.Lease;
import dev.opsbook.store.RunStore;
import dev.opsbook.store.StoredRun;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run this instance has just claimed (a person resolved it) but is still starting, its runbook loading, while the
 * heartbeat beats again and again: its lease stays this instance's, and no takeover starts a second session on it.
 * The pool's parts are driven by hand (the heartbeat beats when the test says), and the load waits on a latch, so
 * this holds however slow the machine is.
 */
@Timeout(60)
class StartingRunLeaseTest {

    private static final String INSTANCE = "instance-b";
    /** Long enough that no lease here lapses while the test runs: only letting it go frees it. */
    private static final Duration LEASE = Duration.ofMinutes(5);
    private static final Instant T0 = Instant.parse("2026-11-23T03:00:00Z");
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final String RUNBOOK = """
            ---
            title: Deploy
            owner: team-test
            ---

            ```shell id=deploy
            echo deployed
            ```
            """;

    @TempDir
    Path dir;

    private RunStore store;
    private RunPool pool;
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private final AtomicBoolean holdNextLoad = new AtomicBoolean();
    private final CountDownLatch loading = new CountDownLatch(1);
    private final CountDownLatch loaded = new CountDownLatch(1);

    @BeforeEach
    void prepare() {
        store = JdbcRunStore.open(JdbcRunStore.embeddedUrl(dir.resolve("store")), "", "");
        // a run instance-a had taken over, whose step 'deploy' was in flight when it stopped
        store.create(new StoredRun("r1", "deploy", "runbooks/deploy.md", "hash", RunStatus.RUNNING, "event", "event e-1", Optional.empty(),
                Optional.empty(), T0, Optional.empty(), "", ""), RUNBOOK, new RunEvent.RunStarted(T0, "r1", "deploy", "Deploy", "hash",
                JSON.objectNode(), JSON.objectNode(), "event e-1", "event"));
        RunEvent[] rest = {
            new RunEvent.StepStarted(T0.plusSeconds(1), "deploy", "deploy", Role.NORMAL, Optional.empty(), JSON.objectNode()),
            new RunEvent.RunTakenOver(T0.plusSeconds(9), "instance-a", "instance-0"),
            new RunEvent.AttemptFinished(T0.plusSeconds(9), "deploy", new Attempt(1, T0.plusSeconds(1), T0.plusSeconds(9), false,
                    "interrupted: instance-0 stopped", null), Optional.empty()),
            new RunEvent.StepInterrupted(T0.plusSeconds(9), "deploy", false, "step 'deploy' was in flight when instance-0 stopped"),
            new RunEvent.RunFinished(T0.plusSeconds(9), RunStatus.NEEDS_ATTENTION, "step 'deploy' needs attention"),
        };
        for (int i = 0; i < rest.length; i++) {
            store.append("r1", i + 2, rest[i]);
        }
    }

    @AfterEach
    void close() {
        loaded.countDown();
        if (pool != null) {
            pool.cancelAll("the test ended");
        }
        store.close();
    }

    /** The loader's last check: the first load after {@link #holdNextLoad} is set waits until the test lets it go on. */
    private List<dev.opsbook.runbook.Diagnostic> held(dev.opsbook.runbook.Runbook runbook) {
        if (holdNextLoad.compareAndSet(true, false)) {
            loading.countDown();
            try {
                loaded.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return List.of();
    }

    @Test
    void a_resolved_run_still_starting_keeps_its_lease_through_many_beats_and_is_never_taken_over_meanwhile() throws Exception {
        RunbookLoader loader = new RunbookLoader(StandardSteps.all().catalog(), List.<RunbookCheck>of(this::held));
        PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8);
        Service.Leasing leasing = new Service.Leasing(INSTANCE, LEASE, Clock.systemUTC());
        Service.Config config = new Service.Config(List.of(dir), dir.resolve("records"),
                new AwsSettings(Optional.of("us-east-1"), Optional.empty(), Optional.empty()), 3, 4, dir, leasing);
        pool = new RunPool(config, store, loader, StandardSteps.all(),
                new AwsInvoker(AwsServices.onClasspath(), new AwsClients(config.aws())), new ServiceMetrics(),
                RecordExport.of(dir.resolve("records"), new RunRecords(store, loader), out), out);
        Heartbeat heartbeat = new Heartbeat(leasing, store, pool, out);
        Takeovers takeovers = new Takeovers(leasing, store, pool, out);
        Resumptions resumptions = new Resumptions(leasing, store, pool);

        Approvals.resolve(store, "r1", "deploy", Resolution.RETRY, "carol", "nothing was deployed", Clock.systemUTC());
        holdNextLoad.set(true);
        Thread resuming = new Thread(resumptions::resumeAnswered, "resuming");
        resuming.start();
        assertThat(loading.await(30, TimeUnit.SECONDS)).as("the resumption claims the run and loads its runbook").isTrue();
        assertThat(store.lease("r1").map(Lease::owner)).contains(INSTANCE);

        for (int beat = 0; beat < 4; beat++) {
            heartbeat.beat();
        }
        takeovers.takeOverExpired();

        assertThat(said()).doesNotContain("its lease is let go").doesNotContain("taken over from");
        assertThat(store.lease("r1")).hasValueSatisfying(lease -> {
            assertThat(lease.owner()).isEqualTo(INSTANCE);
            assertThat(lease.expiresAt()).isAfter(Instant.now());
        });

        loaded.countDown();
        resuming.join(30_000);
        dev.opsbook.testing.Eventually.until("run r1 succeeds", Duration.ofSeconds(30),
                () -> store.run("r1").map(StoredRun::status).orElseThrow() == RunStatus.SUCCEEDED, this::said);
        assertThat(said()).doesNotContain("failed to run");
    }

    private String said() {
        return log.toString(StandardCharsets.UTF_8);
    }
}
