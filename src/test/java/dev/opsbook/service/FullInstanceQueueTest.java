package dev.opsbook.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsbook.aws.AwsSettings;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.steps.StandardSteps;
import dev.opsbook.store.JdbcRunStore;
import dev.opsbook.store.RunQuery;
import dev.opsbook.store.RunStore;
import dev.opsbook.testing.Served;
import dev.opsbook.testing.TestQueue;
import dev.opsbook.trigger.TriggerPatternCheck;
import io.quarkus.test.junit.QuarkusTest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.SqsClient;

/** A full instance and the queue, through the channel {@code events} of the booted application (moved from TakeoverServiceTest). */
@QuarkusTest
@Timeout(120)
class FullInstanceQueueTest {

    private static final int RUNS_AT_ONCE = 4;

    @TempDir
    Path dir;

    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    @Test
    void a_full_instance_leaves_further_messages_in_the_queue() throws Exception {
        Path runbooks = Files.createDirectories(dir.resolve("runbooks"));
        Files.write(runbooks.resolve("deploy.md"), getClass().getResourceAsStream("/leases/deploy.md").readAllBytes());
        RunbookLoader loader = new RunbookLoader(StandardSteps.all().catalog(), List.of(new TriggerPatternCheck()));
        try (RunStore store = JdbcRunStore.open(JdbcRunStore.embeddedUrl(dir.resolve("store")), "", "");
             Service service = new Service(new Service.Config(List.of(runbooks), dir.resolve("records"),
                     new AwsSettings(Optional.of("us-east-1"), Optional.empty(), Optional.empty()), 3, RUNS_AT_ONCE, dir,
                     new Service.Leasing("instance-a", Duration.ofSeconds(1), Clock.systemUTC())), store, loader,
                     new PrintStream(log, true, StandardCharsets.UTF_8));
             Served served = Served.start(service);
             SqsClient sqs = TestQueue.client()) {
            for (int i = 1; i <= RUNS_AT_ONCE; i++) {
                send(sqs, "evt-" + i, "r" + i);
            }
            until("the first runs are deploying", () -> java.util.stream.IntStream.rangeClosed(1, RUNS_AT_ONCE)
                    .allMatch(i -> Files.exists(dir.resolve("r" + i + ".started"))));
            // //why: the channel holds at most sixteen while full (four copies, each with one waiting for room, one passed on
            // and two received ahead, max-number-of-messages=1); what is behind them stays in the queue for another instance
            int sent = RUNS_AT_ONCE + 20;
            for (int i = RUNS_AT_ONCE + 1; i <= sent; i++) {
                send(sqs, "evt-" + i, "r" + i);
            }

            Thread.sleep(1500); // the first runs deploy for 3 s: still running
            assertThat(store.runs(RunQuery.latest(30))).as("--max-runs at a time").hasSize(RUNS_AT_ONCE);
            String visible = sqs.getQueueAttributes(b -> b.queueUrl(TestQueue.url()).attributeNamesWithStrings("ApproximateNumberOfMessages"))
                    .attributesAsStrings().get("ApproximateNumberOfMessages");
            assertThat(Integer.parseInt(visible)).as("messages beyond the channel's in-flight limit were not taken off the queue")
                    .isGreaterThanOrEqualTo(sent - RUNS_AT_ONCE - 16);

            until("all ran, at most --max-runs at a time", () -> store.runs(RunQuery.latest(30)).stream()
                    .filter(r -> r.status() == RunStatus.SUCCEEDED).count() == sent);
            assertThat(store.runs(RunQuery.latest(30))).hasSize(sent);
        }
    }

    private void send(SqsClient sqs, String id, String release) {
        sqs.sendMessage(b -> b.queueUrl(TestQueue.url()).messageBody("""
                {"version":"0","id":"%s","detail-type":"Release Ready","source":"opsbook.test","account":"123456789012",
                 "time":"2026-11-23T03:00:00Z","region":"us-east-1","resources":[],"detail":{"release":"%s","marker":"%s"}}"""
                .formatted(id, release, dir.resolve(release).toString().replace("\\", "\\\\"))));
    }

    private void until(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        dev.opsbook.testing.Eventually.until(what, Duration.ofSeconds(60), condition, () -> log.toString(StandardCharsets.UTF_8));
    }
}
