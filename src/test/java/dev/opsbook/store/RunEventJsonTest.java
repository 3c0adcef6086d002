package dev.opsbook.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.engine.Engine;
import dev.opsbook.engine.FixtureRun;
import dev.opsbook.engine.Fixtures;
import dev.opsbook.engine.Interaction;
import dev.opsbook.engine.RunControl;
import dev.opsbook.engine.RunEvent;
import dev.opsbook.engine.RunListener;
import dev.opsbook.engine.RunRequest;
import dev.opsbook.engine.RunIds;
import dev.opsbook.engine.RunResult;
import dev.opsbook.engine.RunState;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.engine.SecretResolver;
import dev.opsbook.engine.StepStatus;
import dev.opsbook.steps.StandardSteps;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Events from real runs, written as the store keeps them and read back, fold to the run's final state. */
class RunEventJsonTest {

    @TempDir
    Path workDir;

    @ParameterizedTest(name = "{0} {1} answered {2}: {3}")
    @CsvSource({
            "engine/rollback.md, failAt=switch, YES, StepStarted",
            "engine/rollback.md, failAt=none, YES, RunFinished",
            "engine/parallel.md, , YES, StepFinished",
            "engine/conditions.md, , YES, StepSkipped",
            "engine/handler.md, , YES, AttemptFinished",
            "engine/retry.md, , YES, AttemptFinished",
            "engine/people.md, , YES, StepAnswered",
            "engine/people.md, , NO, StepAnswered",
            "engine/people.md, , NOBODY, RunFinished",
            "engine/run-timeout.md, , YES, RunTimedOut",
            "engine/secrets.md, token=s3cr3t-value, YES, RunStarted",
    })
    void the_events_of_a_run_read_back_from_their_json_fold_to_the_runs_final_state(String fixture, String param,
            FixtureRun.Answers answers, String makes) throws Exception {
        Map<String, String> params = param == null ? Map.of() : Map.of(param.split("=")[0], param.split("=")[1]);
        RunResult result = Fixtures.run(fixture, params, Fixtures.answering(answers), workDir, new RunControl(), RunListener.NONE);

        assertThat(result.events()).extracting(e -> e.getClass().getSimpleName()).contains(makes);
        assertFoldsBack(result);
    }

    @Test
    @Timeout(20)
    void a_cancelled_run_reads_back_with_its_cancel_request() throws Exception {
        RunControl control = new RunControl();
        Path started = workDir.resolve("started");
        RunListener cancelAtTheFirstStep = (event, state) -> {
            if (event instanceof RunEvent.StepStarted) {
                // //why: cancel once the script runs, as EngineTest does: a cancel before the step's task starts hangs the run
                Thread canceller = new Thread(() -> {
                    while (!Files.exists(started)) {
                        Thread.onSpinWait();
                    }
                    control.cancel("interrupted (Ctrl-C)");
                });
                canceller.setDaemon(true);
                canceller.start();
            }
        };
        RunResult result = Fixtures.run("engine/cancel.md", Map.of(), Interaction.NOBODY, workDir, control, cancelAtTheFirstStep);

        assertThat(result.state().status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(result.events()).hasAtLeastOneElementOfType(RunEvent.CancelRequested.class);
        assertFoldsBack(result);
    }

    @Test
    void a_run_that_read_a_secret_reads_back_with_the_call_and_numbers_keep_their_values() throws Exception {
        ObjectNode read = JsonNodeFactory.instance.objectNode().put("action", "ssm:GetParameter").put("name", "/opsbook/token")
                .put("durationMs", 12L);
        SecretResolver secrets = (store, id) -> new SecretResolver.Fetched("t0ken", read);
        RunRequest request = new RunRequest(Fixtures.load("store/secret-read.md"), Map.of("count", "7"), "tester", "test",
                Interaction.NOBODY, Optional.empty(), workDir);
        RunResult result = new Engine(StandardSteps.all(), Clock.systemUTC(), RunIds.from(Clock.systemUTC()), secrets)
                .run(request, RunListener.NONE);

        assertThat(result.state().status()).as(result.state().message()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(result.events()).hasAtLeastOneElementOfType(RunEvent.CallMade.class);
        assertFoldsBack(result);
    }

    @Test
    void the_history_of_a_retried_step_holds_the_time_of_each_next_attempt() throws Exception {
        RunResult result = Fixtures.run("engine/retry.md", Map.of(), Interaction.NOBODY, workDir, new RunControl(), RunListener.NONE);

        List<JsonNode> retried = result.events().stream().filter(e -> e instanceof RunEvent.AttemptFinished a && !a.attempt().succeeded())
                .map(RunEventJson::encode).map(JsonNode.class::cast).toList();
        assertThat(retried).hasSize(2);
        for (int i = 0; i < retried.size(); i++) {
            Instant failedAt = Instant.parse(retried.get(i).path("at").asText());
            Duration backoff = Duration.ofMillis(10L << i); // backoff=10ms, doubled for each further retry
            assertThat(retried.get(i).path("retryAt").asText()).as("attempt %d", i + 1).isEqualTo(failedAt.plus(backoff).toString());
        }
    }

    @Test
    void an_attempt_stored_with_the_wait_before_its_retry_reads_back_with_the_time_the_retry_was_due() {
        RunEvent read = RunEventJson.read("{\"type\":\"attempt-finished\",\"at\":\"2026-11-23T16:00:00Z\",\"key\":\"flaky\","
                + "\"attempt\":{\"number\":1,\"startedAt\":\"2026-11-23T15:59:59Z\",\"endedAt\":\"2026-11-23T16:00:00Z\","
                + "\"succeeded\":false,\"message\":\"exit status 1\"},\"retryInMs\":1500}");

        RunEvent.AttemptFinished attempt = (RunEvent.AttemptFinished) read;
        assertThat(attempt.retryAt()).contains(Instant.parse("2026-11-23T16:00:01.500Z"));
        assertThat(attempt.retryIn()).contains(Duration.ofMillis(1500));
    }

    @Test
    void absent_values_and_json_nulls_stay_apart() {
        Instant at = Instant.parse("2026-11-23T16:00:00.123456789Z");
        List<RunEvent> events = List.of(
                new RunEvent.StepStarted(at, "a/for-b", "a", null, Optional.of("b"), null),
                new RunEvent.StepStarted(at, "c", "c", null, Optional.empty(), JsonNodeFactory.instance.nullNode()),
                new RunEvent.AttemptFinished(at, "c", null, Optional.of(at.plusMillis(1500))),
                new RunEvent.RetryStarted(at.plusMillis(1500), "c", 2),
                new RunEvent.StepFinished(at, "c", StepStatus.FAILED, null, null),
                new RunEvent.StepAnswered(at, "c", new Interaction.Answer(false, "bob", null, at, "slack")),
                new RunEvent.RunTimedOut(at, Duration.ofMinutes(90)));

        for (RunEvent event : events) {
            assertThat(RunEventJson.read(RunEventJson.write(event))).isEqualTo(event);
        }
    }

    @Test
    void every_event_has_a_type_and_an_unknown_type_is_refused() {
        assertThat(RunEventJson.encode(new RunEvent.CancelRequested(Instant.EPOCH, "why")).toString())
                .isEqualTo("{\"type\":\"cancel-requested\",\"at\":\"1970-01-01T00:00:00Z\",\"reason\":\"why\"}");
        assertThatThrownBy(() -> RunEventJson.read("{\"type\":\"step-exploded\",\"at\":\"1970-01-01T00:00:00Z\"}"))
                .hasMessage("unknown run event type 'step-exploded'");
        assertThatThrownBy(() -> RunEventJson.read("{\"at\":\"1970-01-01T00:00:00Z\"}"))
                .hasMessageStartingWith("a run event without a type");
    }

    /**
     * Folds the events twice: encoded and decoded as JSON nodes, which must give the very same
     * state, and written as text and read back, the way the store keeps them, which must give the
     * same state but for the Java type behind a JSON number ({@link SameJson}).
     */
    private static void assertFoldsBack(RunResult result) {
        List<RunEvent> decoded = new ArrayList<>();
        List<RunEvent> read = new ArrayList<>();
        for (RunEvent event : result.events()) {
            ObjectNode json = RunEventJson.encode(event);
            assertThat(json.path("type").asText()).isEqualTo(RunEventJson.type(event));
            decoded.add(RunEventJson.decode(json));
            read.add(RunEventJson.read(RunEventJson.write(event)));
        }
        assertThat(decoded).isEqualTo(result.events());
        // //why: the events hold secret parameters masked, as the store keeps them; only the engine's own state has the values
        RunState stored = fold(result.events());
        assertThat(stored.params().toString()).doesNotContain("s3cr3t-value");
        assertThat(stored).usingRecursiveComparison().ignoringFields("params").isEqualTo(result.state());
        assertThat(fold(decoded)).isEqualTo(stored);
        SameJson.assertSameState(fold(read), stored);
    }

    private static RunState fold(List<RunEvent> events) {
        RunState state = RunState.of((RunEvent.RunStarted) events.get(0));
        for (RunEvent event : events.subList(1, events.size())) {
            state = state.apply(event);
        }
        return state;
    }
}
