package dev.opsbook.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.graph.LoadedRunbook;
import dev.opsbook.record.MarkdownRecord;
import dev.opsbook.steps.StandardSteps;
import dev.opsbook.store.RunEventJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An engine goes on with a run whose engine stopped mid-step: the history is cut right after a
 * step started, as a process killed at that moment leaves it, and another engine takes it over.
 */
class TakeOverTest {

    @TempDir
    Path workDir;

    private LoadedRunbook runbook;
    private Path marker;

    /** The history of a complete run of engine/interrupted.md, up to and including the start of {@code step}. */
    private List<RunEvent> cutAtStartOf(String step) throws Exception {
        runbook = Fixtures.load("engine/interrupted.md");
        marker = workDir.resolve("marker.txt");
        List<RunEvent> events = new ArrayList<>();
        try (Engine engine = new Engine(StandardSteps.all())) {
            engine.run(request(), (event, state) -> events.add(event));
        }
        Files.deleteIfExists(marker);
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i) instanceof RunEvent.StepStarted started && started.key().equals(step)) {
                return List.copyOf(events.subList(0, i + 1));
            }
        }
        throw new AssertionError("no step " + step);
    }

    private RunRequest request() {
        return new RunRequest(runbook, Map.of("marker", marker.toString()), "event e-1", "event", Interaction.NOBODY, Optional.empty(), workDir);
    }

    private RunResult takeOver(List<RunEvent> history, List<RunEvent> heard) throws Exception {
        try (Engine engine = new Engine(StandardSteps.all())) {
            return engine.takeOver(request(), history, "instance-b", "instance-a", (event, state) -> heard.add(event), new RunControl());
        }
    }

    private RunResult resumeAfter(RunResult stopped, Resolution resolution) throws Exception {
        List<RunEvent> history = new ArrayList<>(stopped.events());
        history.add(new RunEvent.StepResolved(Instant.now(), "deploy", resolution, "carol", "checked the hosts"));
        try (Engine engine = new Engine(StandardSteps.all())) {
            return engine.resume(request(), history, "carol", RunListener.NONE, new RunControl());
        }
    }

    @Test
    void a_run_whose_engine_stopped_right_after_storing_its_start_is_taken_over_without_starting_it_again() throws Exception {
        List<RunEvent> history = cutAtStartOf("deploy").subList(0, 1);
        List<RunEvent> heard = new ArrayList<>();

        RunResult result = takeOver(history, heard);

        assertThat(heard.get(0)).as("the start is stored already: the store would refuse it again").isInstanceOf(RunEvent.RunTakenOver.class);
        assertThat(heard).noneMatch(e -> e instanceof RunEvent.RunStarted);
        assertThat(result.state().status()).isEqualTo(RunStatus.SUCCEEDED);
    }

    @Test
    void a_step_that_changes_things_is_not_run_again_the_run_needs_attention_and_says_what_may_have_happened() throws Exception {
        List<RunEvent> heard = new ArrayList<>();

        RunResult result = takeOver(cutAtStartOf("deploy"), heard);

        assertThat(result.state().status()).isEqualTo(RunStatus.NEEDS_ATTENTION);
        assertThat(marker).as("deploy did not run again").doesNotExist();
        assertThat(result.state().message())
                .startsWith("step 'deploy', attempt 1 started at ")
                .contains("was in flight when instance-a stopped", "ran the shell script `echo \"deploying\"",
                        "may or may not have done so", "opsbook resolve " + result.state().runId() + " deploy --retry, --skip or --fail");
        assertThat(result.state().execution("deploy").orElseThrow().status()).isEqualTo(StepStatus.NEEDS_ATTENTION);
        assertThat(result.state().execution("converge")).as("nothing new starts").isEmpty();
        assertThat(heard.get(0)).isInstanceOf(RunEvent.RunTakenOver.class);
        assertThat(heard).hasAtLeastOneElementOfType(RunEvent.StepInterrupted.class);
        assertThat(MarkdownRecord.render(result)).contains("Run taken over by instance-b from instance-a", "needs-attention");
    }

    @Test
    void a_step_declared_idempotent_runs_again_and_the_run_goes_on_to_succeed() throws Exception {
        RunResult result = takeOver(cutAtStartOf("converge"), new ArrayList<>());

        assertThat(result.state().status()).as(result.state().message()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(Files.readString(marker)).as("only converge ran again; deploy had completed").isEqualTo("converging\n");
        StepExecution converge = result.state().execution("converge").orElseThrow();
        assertThat(converge.attempts()).extracting(Attempt::number).containsExactly(1, 2);
        assertThat(converge.attempts().get(0).message()).isEqualTo("interrupted: instance-a stopped");
    }

    @Test
    void a_read_only_check_runs_again_on_its_own() throws Exception {
        RunResult result = takeOver(cutAtStartOf("check"), new ArrayList<>());

        assertThat(result.state().status()).as(result.state().message()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(Files.readString(marker)).isEqualTo("deploying\nconverging\n");
    }

    @Test
    void resolved_with_retry_the_step_runs_again_and_the_run_succeeds() throws Exception {
        RunResult stopped = takeOver(cutAtStartOf("deploy"), new ArrayList<>());

        RunResult result = resumeAfter(stopped, Resolution.RETRY);

        assertThat(result.state().status()).as(result.state().message()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(Files.readString(marker)).isEqualTo("deploying\nconverging\n");
        assertThat(MarkdownRecord.render(result)).contains("`deploy` resolved by carol: retry (checked the hosts)");
    }

    @Test
    void resolved_with_skip_the_step_is_not_run_and_the_run_goes_on() throws Exception {
        RunResult stopped = takeOver(cutAtStartOf("deploy"), new ArrayList<>());

        RunResult result = resumeAfter(stopped, Resolution.SKIP);

        assertThat(result.state().status()).as(result.state().message()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(Files.readString(marker)).isEqualTo("converging\n");
        assertThat(result.state().execution("deploy").orElseThrow().status()).isEqualTo(StepStatus.SKIPPED);
        assertThat(result.state().execution("deploy").orElseThrow().message()).contains("resolved by carol: checked the hosts");
    }

    @Test
    void resolved_with_fail_the_run_fails_and_its_failure_handling_runs() throws Exception {
        RunResult stopped = takeOver(cutAtStartOf("deploy"), new ArrayList<>());

        RunResult result = resumeAfter(stopped, Resolution.FAIL);

        assertThat(result.state().status()).isEqualTo(RunStatus.FAILED);
        assertThat(result.state().message()).startsWith("step 'deploy' failed");
        assertThat(marker).as("nothing after deploy ran, and deploy never completed, so nothing is rolled back").doesNotExist();
        assertThat(result.state().execution("converge")).isEmpty();
    }

    @Test
    @Timeout(30)
    void a_run_taken_over_while_waiting_for_a_retry_waits_until_the_stored_time_and_keeps_its_attempt_count() throws Exception {
        runbook = Fixtures.load("engine/backoff.md");
        // instance-a: attempt 1 failed, retried 30 s later; attempt 2 failed 58.5 s ago with its retry due in 60 s; then it died
        Instant now = Instant.now();
        Instant secondEnded = now.minusMillis(58_500);
        Instant retryAt = secondEnded.plusSeconds(60);
        Instant secondStarted = secondEnded.minusMillis(100);
        Instant firstEnded = secondStarted.minusSeconds(30);
        Instant firstStarted = firstEnded.minusMillis(100);
        ObjectNode params = JsonNodeFactory.instance.objectNode().put("succeedAt", "3");
        List<RunEvent> history = List.of(
                new RunEvent.RunStarted(firstStarted, "run-backoff", runbook.runbook().id(), runbook.runbook().title(),
                        runbook.runbook().contentHash(), params, JsonNodeFactory.instance.objectNode(), "tester", "test"),
                new RunEvent.StepStarted(firstStarted, "flaky", "flaky", Role.NORMAL, Optional.empty(), null),
                failedAttempt(1, firstStarted, firstEnded, secondStarted),
                failedAttempt(2, secondStarted, secondEnded, retryAt));
        List<RunEvent> heard = new ArrayList<>();
        RunRequest request = new RunRequest(runbook, Map.of("succeedAt", "3"), "tester", "test", Interaction.NOBODY, Optional.empty(), workDir);

        RunResult result;
        try (Engine engine = new Engine(StandardSteps.all())) {
            result = engine.takeOver(request, history, "instance-b", "instance-a", (event, state) -> heard.add(event), new RunControl());
        }

        assertThat(result.state().status()).as(result.state().message()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(heard).as("nothing was in flight: no step was cut off").noneMatch(e -> e instanceof RunEvent.StepInterrupted);
        List<Attempt> attempts = result.state().execution("flaky").orElseThrow().attempts();
        assertThat(attempts).extracting(Attempt::number).containsExactly(1, 2, 3);
        assertThat(attempts.get(2).startedAt()).as("the third attempt waited for the time instance-a stored, not a new backoff")
                .isAfterOrEqualTo(retryAt.minusMillis(10)).isBefore(retryAt.plusSeconds(20));
        ReplayTest.replay(new Scheduler(runbook.graph()), result.events());
    }

    /** A failed attempt as a stored event says it, with the time of the next attempt. */
    private static RunEvent failedAttempt(int number, Instant started, Instant ended, Instant retryAt) {
        ObjectNode attempt = JsonNodeFactory.instance.objectNode().put("number", number).put("startedAt", started.toString())
                .put("endedAt", ended.toString()).put("succeeded", false).put("message", "exit status 1");
        ObjectNode json = JsonNodeFactory.instance.objectNode().put("type", "attempt-finished").put("at", ended.toString())
                .put("key", "flaky").put("retryAt", retryAt.toString());
        json.set("attempt", attempt);
        return RunEventJson.decode(json);
    }
}
