package dev.opsbook.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsbook.engine.Engine;
import dev.opsbook.engine.Interaction;
import dev.opsbook.engine.RunControl;
import dev.opsbook.engine.RunEvent;
import dev.opsbook.engine.RunListener;
import dev.opsbook.engine.RunRequest;
import dev.opsbook.engine.RunResult;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.engine.StepStatus;
import dev.opsbook.graph.LoadedRunbook;
import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.steps.StandardSteps;
import dev.opsbook.store.JdbcRunStore;
import dev.opsbook.store.RunStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A step's end is stored together with the next step's start, in one transaction, before the next step does anything:
 * a process that dies while a step runs leaves a history in which every earlier step has ended (never run again by the
 * instance that takes the run over) and the step in flight has started (taken over by the rule for a step cut off).
 */
@Timeout(120)
class StepCommitsTest {

    @TempDir
    Path dir;

    private RunStore store;
    private LoadedRunbook runbook;

    @BeforeEach
    void open() {
        store = JdbcRunStore.open(JdbcRunStore.embeddedUrl(dir.resolve("store")), "", "");
        runbook = new RunbookLoader(StandardSteps.all().catalog()).load("cut.md", """
                ---
                title: A deploy, then a step that holds until released
                ---

                ```shell id=deploy
                echo deployed >> deployed.txt
                ```

                ```shell id=hold
                touch holding.txt
                while [ ! -f release.txt ]; do sleep 0.05; done
                ```

                ```shell id=announce
                echo announced >> announced.txt
                ```
                """);
        assertThat(runbook.errors()).isEmpty();
    }

    @AfterEach
    void close() throws Exception {
        store.close();
    }

    private RunRequest request() {
        return new RunRequest(runbook, Map.of(), "alice", "cli", Interaction.NOBODY, Optional.empty(), dir);
    }

    @Test
    void a_run_cut_off_while_a_step_runs_is_taken_over_without_repeating_the_steps_that_ended_before_it() throws Exception {
        AtomicReference<String> runId = new AtomicReference<>();
        Thread live = new Thread(() -> {
            StoringListener storing = StoringListener.forNewRun(store, runbook.runbook(), Optional.empty(), Optional.empty());
            try (Engine engine = new Engine(StandardSteps.all())) {
                engine.run(request(), RunListener.storedFirst(storing, (event, state) -> {
                    if (event instanceof RunEvent.RunStarted started) {
                        runId.set(started.runId());
                    }
                }), new RunControl());
            } catch (InterruptedException e) {
                // the process "dies" here: nothing more is written
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        live.start();
        while (!Files.exists(dir.resolve("holding.txt"))) {
            Thread.sleep(20);
        }

        // what a kill -9 at this moment leaves in the store
        List<RunEvent> left = store.events(runId.get());
        assertThat(left).as("the deploy's end is stored before the next step did anything")
                .anyMatch(e -> e instanceof RunEvent.StepFinished f && f.key().equals("deploy") && f.status() == StepStatus.SUCCEEDED);
        assertThat(left).as("the step in flight is stored as started before it ran")
                .anyMatch(e -> e instanceof RunEvent.StepStarted s && s.key().equals("hold"));
        assertThat(left).noneMatch(e -> e instanceof RunEvent.StepFinished f && f.key().equals("hold"));

        live.interrupt(); // the engine thread stops with the step's attempt on it, as a dead process would
        live.join(30_000);
        assertThat(store.events(runId.get())).as("a run whose thread died writes nothing more").isEqualTo(left);

        Files.writeString(dir.resolve("release.txt"), "");
        RunResult result;
        try (Engine engine = new Engine(StandardSteps.all())) {
            result = engine.takeOver(request(), left, "instance-b", "instance-a", StoringListener.continuing(store, left.size()), new RunControl());
        }

        assertThat(Files.readAllLines(dir.resolve("deployed.txt"))).as("the step that ended before the cut ran once").containsExactly("deployed");
        assertThat(result.state().status()).as("a shell step cut off mid-way is not run again on its own")
                .isEqualTo(RunStatus.NEEDS_ATTENTION);
        assertThat(result.state().message()).contains("hold");
        assertThat(Files.exists(dir.resolve("announced.txt"))).isFalse();
        assertThat(store.run(runId.get()).orElseThrow().status()).isEqualTo(RunStatus.NEEDS_ATTENTION);
        assertThat(new RunAudits(store).verify(runId.get()).valid()).as("the audit chain, written in batches, still verifies").isTrue();
    }

    @Test
    void a_run_that_goes_to_its_end_stores_every_event_once_in_order_with_a_verifiable_audit_chain() throws Exception {
        Files.writeString(dir.resolve("release.txt"), "");
        StoringListener storing = StoringListener.forNewRun(store, runbook.runbook(), Optional.empty(), Optional.empty());
        RunResult result;
        try (Engine engine = new Engine(StandardSteps.all())) {
            result = engine.run(request(), storing, new RunControl());
        }

        String id = result.state().runId();
        assertThat(result.state().status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(store.events(id)).isEqualTo(result.events());
        assertThat(store.run(id).orElseThrow().status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(new RunAudits(store).verify(id).valid()).isTrue();
    }
}
