package dev.opsbook.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsbook.graph.LoadedRunbook;
import dev.opsbook.steps.StandardSteps;
import dev.opsbook.testing.Eventually;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A failed attempt with retries left waits for its next attempt as a time in the run's state, not
 * on a thread: nothing runs meanwhile, and a cancel or the run's time limit ends it at once.
 */
class BackoffTest {

    @TempDir
    Path workDir;

    private final ExecutorService caller = Executors.newSingleThreadExecutor();
    private final List<RunEvent> heard = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        caller.shutdownNow();
    }

    private Future<RunResult> start(Engine engine, Optional<Duration> runTimeout, RunControl control) throws Exception {
        LoadedRunbook runbook = Fixtures.load("engine/backoff.md");
        RunRequest request = new RunRequest(runbook, Map.of(), "tester", "test", Interaction.NOBODY, runTimeout, workDir);
        Future<RunResult> run = caller.submit(() -> engine.run(request, (event, state) -> heard.add(event), control));
        Eventually.until("the first attempt failed with a retry 30 s away", Duration.ofSeconds(20),
                () -> heard.stream().anyMatch(e -> e instanceof RunEvent.AttemptFinished a && a.retryIn().isPresent()), heard::toString);
        return run;
    }

    /** The threads that are inside the engine's step code right now: a step running, or one sleeping out a backoff. */
    private static List<String> threadsInAStep() {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(t -> t.getKey().getName().startsWith("opsbook-step-"))
                .filter(t -> Arrays.stream(t.getValue()).anyMatch(frame -> frame.getClassName().startsWith(Engine.class.getName())))
                .map(t -> t.getKey().getName() + " " + Arrays.toString(t.getValue()))
                .toList();
    }

    @Test
    void a_step_waiting_for_its_retry_holds_no_thread_and_a_cancel_ends_the_run_within_a_second() throws Exception {
        RunControl control = new RunControl();
        try (Engine engine = new Engine(StandardSteps.all())) {
            Future<RunResult> run = start(engine, Optional.empty(), control);

            assertThat(threadsInAStep()).as("no thread waits out the backoff").isEmpty();

            control.cancel("the operator stopped it");
            RunResult result = run.get(1, TimeUnit.SECONDS);

            assertThat(result.state().status()).isEqualTo(RunStatus.CANCELLED);
            StepExecution flaky = result.state().execution("flaky").orElseThrow();
            assertThat(flaky.status()).isEqualTo(StepStatus.CANCELLED);
            assertThat(flaky.message()).isEqualTo("cancelled: the operator stopped it");
            assertThat(flaky.attempts()).as("no second attempt started").hasSize(1);
            ReplayTest.replay(new Scheduler(Fixtures.load("engine/backoff.md").graph()), result.events());
        }
    }

    @Test
    void the_run_time_limit_ends_a_run_waiting_for_a_retry_when_it_passes() throws Exception {
        try (Engine engine = new Engine(StandardSteps.all())) {
            Future<RunResult> run = start(engine, Optional.of(Duration.ofSeconds(2)), new RunControl());

            RunResult result = run.get(5, TimeUnit.SECONDS);

            assertThat(result.state().status()).isEqualTo(RunStatus.FAILED);
            assertThat(result.state().message()).isEqualTo("the run timed out");
            StepExecution flaky = result.state().execution("flaky").orElseThrow();
            assertThat(flaky.status()).isEqualTo(StepStatus.FAILED);
            assertThat(flaky.attempts()).hasSize(1);
            ReplayTest.replay(new Scheduler(Fixtures.load("engine/backoff.md").graph()), result.events());
        }
    }
}
