package dev.opsbook.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.opsbook.aws.AwsClients;
import dev.opsbook.aws.AwsInvoker;
import dev.opsbook.aws.AwsServices;
import dev.opsbook.aws.AwsSettings;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.graph.LoadedRunbook;
import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.metrics.ServiceMetrics;
import dev.opsbook.record.RecordPlace;
import dev.opsbook.steps.StandardSteps;
import dev.opsbook.store.JdbcRunStore;
import dev.opsbook.store.RunStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run that stops waiting and is answered while its thread still writes its record is taken up again at once, on a
 * second thread of the same instance; the first thread, ending, must not take the run out of the pool, or the heartbeat
 * lets go of the lease of a run still going here and takes it over again: two sessions on one run.
 */
@Timeout(60)
class HeldRunPoolTest {

    @TempDir
    Path dir;

    private RunStore store;
    private RunPool pool;

    @AfterEach
    void close() {
        if (pool != null) {
            pool.cancelAll("the test ended");
        }
        if (store != null) {
            store.close();
        }
    }

    @Test
    void a_run_taken_up_again_while_its_last_session_writes_the_record_stays_held_when_that_session_ends() throws Exception {
        CountDownLatch waitingWritten = new CountDownLatch(1);
        CountDownLatch letTheFirstSessionEnd = new CountDownLatch(1);
        RecordPlace slowWhileWaiting = new RecordPlace() {
            @Override
            public String write(String name, String text) throws java.io.IOException {
                if (name.endsWith(".md") && text.contains("status: waiting") && waitingWritten.getCount() > 0) {
                    waitingWritten.countDown();
                    try {
                        letTheFirstSessionEnd.await(30, TimeUnit.SECONDS); // the first session's thread is still in its record write
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return name;
            }

            @Override
            public String describe() {
                return "slow";
            }
        };
        store = JdbcRunStore.open(JdbcRunStore.embeddedUrl(dir.resolve("store")), "", "");
        PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        RunbookLoader loader = new RunbookLoader(StandardSteps.all().catalog());
        Service.Leasing leasing = new Service.Leasing("instance-a", Duration.ofMinutes(1), Clock.systemUTC());
        Service.Config config = new Service.Config(List.of(dir), dir.resolve("records"),
                new AwsSettings(Optional.of("us-east-1"), Optional.empty(), Optional.empty()), 3, 4, dir, leasing);
        pool = new RunPool(config, store, loader, StandardSteps.all(),
                new AwsInvoker(AwsServices.onClasspath(), new AwsClients(config.aws())), new ServiceMetrics(),
                RecordExport.of(slowWhileWaiting, new RunRecords(store, loader), out), out);
        Path marker = dir.resolve("deployed");
        LoadedRunbook runbook = loader.load("deploy.md", """
                ---
                title: Deploy
                owner: team-test
                ---

                ```approve id=go
                Deploy?
                ```

                ```shell id=deploy
                sleep 2
                touch "%s"
                ```
                """.formatted(marker));

        String runId = pool.launch(runbook, JsonNodeFactory.instance.objectNode(), JsonNodeFactory.instance.objectNode().put("id", "e-1"),
                "e-1", Optional.empty(), Optional.empty());
        assertThat(waitingWritten.await(30, TimeUnit.SECONDS)).as("the run stopped waiting and its record is being written").isTrue();
        assertThat(store.run(runId).orElseThrow().status()).isEqualTo(RunStatus.WAITING);

        Approvals.answer(store, loader, runId, "go", true, "ada", "", "test", Clock.systemUTC());
        new Resumptions(leasing, store, pool).resumeAnswered();
        letTheFirstSessionEnd.countDown();
        Thread.sleep(500); // the first session's thread ends while the second runs `deploy`

        assertThat(pool.holds(runId)).as("the run going on here is still held by the pool").isTrue();
        assertThat(pool.leasedHere()).contains(runId);
        for (int i = 0; i < 100 && !Files.exists(marker); i++) {
            Thread.sleep(100);
        }
        assertThat(marker).exists();
    }
}
