package dev.opsbook.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsbook.aws.AwsSettings;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.service.Service;
import dev.opsbook.steps.StandardSteps;
import dev.opsbook.store.JdbcRunStore;
import dev.opsbook.store.RunQuery;
import dev.opsbook.store.RunStore;
import dev.opsbook.store.StoredRun;
import dev.opsbook.testing.Eventually;
import dev.opsbook.trigger.TriggerPatternCheck;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The channel {@code events} as SmallRye drives it: the next message once the stage of the one before completes. */
@Timeout(60)
class EventChannelTest {

    private static final String RUNBOOK = """
            ---
            title: Ping
            owner: test
            description: Started by a ping event.
            triggers:
              - pattern: { source: [opsbook.test], detail-type: [Ping] }
            ---

            ```assert id=check
            that: "`true`"
            ```
            """;

    @TempDir
    Path dir;

    @Test
    void an_event_whose_run_is_slow_to_store_does_not_hold_up_the_next_one_and_each_message_is_deleted_once_stored() throws Exception {
        Path runbooks = Files.createDirectories(dir.resolve("runbooks"));
        Files.writeString(runbooks.resolve("ping.md"), RUNBOOK);
        CountDownLatch storeSlow = new CountDownLatch(1);
        try (RunStore real = JdbcRunStore.open(JdbcRunStore.embeddedUrl(dir.resolve("store")), "", "")) {
            RunStore store = slowFor("evt-slow", real, storeSlow);
            RunbookLoader loader = new RunbookLoader(StandardSteps.all().catalog(), List.of(new TriggerPatternCheck()));
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            try (Service service = new Service(new Service.Config(List.of(runbooks), dir.resolve("records"),
                    new AwsSettings(Optional.of("us-east-1"), Optional.empty(), Optional.empty()), 3, 4, dir), store, loader,
                    new PrintStream(log, true, StandardCharsets.UTF_8))) {
                service.start();
                Serving serving = new Serving();
                serving.install(service);
                try {
                    EventChannel channel = new EventChannel(serving, new QueueWatch(Optional.empty(), EventSource.SQS), EventSource.SQS);
                    Delivery slow = new Delivery("evt-slow");
                    Delivery fast = new Delivery("evt-fast");

                    CompletionStage<Void> first = channel.receive(slow.message());
                    first.toCompletableFuture().get(10, TimeUnit.SECONDS); // the channel is ready for its next message
                    channel.receive(fast.message()).toCompletableFuture().get(10, TimeUnit.SECONDS);
                    Eventually.until("the second event's run succeeded while the first one's is still being stored", Duration.ofSeconds(20),
                            () -> runs(real).stream().anyMatch(r -> r.eventId().equals(Optional.of("evt-fast")) && r.status() == RunStatus.SUCCEEDED),
                            () -> log.toString(StandardCharsets.UTF_8));
                    assertThat(fast.acked.get(10, TimeUnit.SECONDS)).as("the second message deleted once its run was stored").isTrue();
                    assertThat(slow.acked).as("the first message is neither deleted nor handed back while its run is not stored").isNotDone();

                    storeSlow.countDown();
                    assertThat(slow.acked.get(10, TimeUnit.SECONDS)).as("the first message deleted once its run was stored").isTrue();
                    assertThat(runs(real)).extracting(r -> r.eventId().orElseThrow()).containsExactlyInAnyOrder("evt-slow", "evt-fast");
                } finally {
                    storeSlow.countDown();
                    serving.uninstall(service);
                }
            }
        }
    }

    private static List<StoredRun> runs(RunStore store) {
        return store.runs(RunQuery.latest(10));
    }

    /** The store, whose read of the event {@code eventId} waits until {@code open} (a slow database round trip). */
    private static RunStore slowFor(String eventId, RunStore store, CountDownLatch open) {
        return (RunStore) Proxy.newProxyInstance(RunStore.class.getClassLoader(), new Class<?>[] {RunStore.class}, (proxy, method, args) -> {
            if (method.getName().equals("receivedEvent") && args != null && eventId.equals(args[0])) {
                open.await(30, TimeUnit.SECONDS);
            }
            try {
                return method.invoke(store, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
    }

    /** One SQS message: true once acknowledged (deleted), false once handed back. */
    private static final class Delivery {
        final CompletableFuture<Boolean> acked = new CompletableFuture<>();
        private final String id;

        Delivery(String id) {
            this.id = id;
        }

        Message<String> message() {
            String body = """
                    {"version":"0","id":"%s","detail-type":"Ping","source":"opsbook.test","account":"123456789012",
                     "time":"2026-12-03T03:00:00Z","region":"us-east-1","resources":[],"detail":{}}""".formatted(id);
            return Message.of(body, () -> {
                acked.complete(true);
                return CompletableFuture.completedFuture(null);
            }, failure -> {
                acked.complete(false);
                return CompletableFuture.completedFuture(null);
            });
        }
    }
}
