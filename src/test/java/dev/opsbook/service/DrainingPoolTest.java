package dev.opsbook.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.opsbook.aws.AwsClients;
import dev.opsbook.aws.AwsInvoker;
import dev.opsbook.aws.AwsServices;
import dev.opsbook.aws.AwsSettings;
import dev.opsbook.graph.LoadedRunbook;
import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.metrics.ServiceMetrics;
import dev.opsbook.steps.StandardSteps;
import dev.opsbook.store.JdbcRunStore;
import dev.opsbook.store.RunQuery;
import dev.opsbook.store.RunStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An event whose run the dispatcher hands to the pool just after a drain began (SIGTERM while its message was on its
 * way) is refused, nothing stored, so its next delivery starts it on another instance; held, it would have missed the
 * drain's hand-over and been recorded cancelled when serve closed.
 */
@Timeout(60)
class DrainingPoolTest {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    @TempDir
    Path dir;

    private RunStore store;
    private RunPool pool;
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    @BeforeEach
    void prepare() {
        store = JdbcRunStore.open(JdbcRunStore.embeddedUrl(dir.resolve("store")), "", "");
        PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8);
        RunbookLoader loader = new RunbookLoader(StandardSteps.all().catalog());
        Service.Config config = new Service.Config(List.of(dir), dir.resolve("records"),
                new AwsSettings(Optional.of("us-east-1"), Optional.empty(), Optional.empty()), 3, 4, dir,
                new Service.Leasing("instance-a", Duration.ofMinutes(1), Clock.systemUTC()));
        pool = new RunPool(config, store, loader, StandardSteps.all(),
                new AwsInvoker(AwsServices.onClasspath(), new AwsClients(config.aws())), new ServiceMetrics(),
                RecordExport.of(dir.resolve("records"), new RunRecords(store, loader), out), out);
    }

    @AfterEach
    void close() {
        pool.cancelAll("the test ended");
        store.close();
    }

    @Test
    void an_event_run_handed_over_after_the_drain_began_is_refused_and_nothing_is_stored() {
        LoadedRunbook runbook = new RunbookLoader(StandardSteps.all().catalog()).load("deploy.md", """
                ---
                title: Deploy
                owner: team-test
                ---

                ```shell id=deploy
                echo deployed
                ```
                """);

        pool.stopTaking();

        assertThatThrownBy(() -> pool.launch(runbook, JSON.objectNode(), JSON.objectNode().put("id", "e-1"), "e-1", Optional.empty(), Optional.empty()))
                .hasMessageContaining("this instance is stopping");
        assertThat(pool.isEmpty()).isTrue();
        assertThat(store.runs(RunQuery.latest(10))).isEmpty();
    }
}
