package dev.opsbook.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A recorded run replayed through the scheduler must reproduce every decision the engine
 * carried out: the scheduler decides from state alone, so the history is enough to check it.
 */
class ReplayTest {

    @TempDir
    Path workDir;

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
            "engine/rollback.md, failAt=switch",
            "engine/rollback.md, failAt=none",
            "engine/parallel.md, ",
            "engine/conditions.md, ",
            "engine/handler.md, ",
            "engine/retry.md, ",
    })
    void replaying_a_recorded_run_reproduces_the_engines_decisions(String fixture, String param) throws Exception {
        Map<String, String> params = param == null ? Map.of() : Map.of(param.split("=")[0], param.split("=")[1]);
        RunResult result = Fixtures.run(fixture, params, Fixtures.answering(FixtureRun.Answers.YES), workDir, new RunControl(), RunListener.NONE);
        RunState state = replay(new Scheduler(Fixtures.load(fixture).graph()), result.events());
        assertThat(state).isEqualTo(result.state());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"simple", "retries", "rollback", "answered", "taken-over"})
    void a_history_recorded_by_the_previous_version_folds_and_replays(String name) throws Exception {
        ReplayFixtures.Recorded recorded = ReplayFixtures.read(name);

        RunState state = replay(new Scheduler(Fixtures.load(recorded.runbook()).graph()), recorded.events());

        RunEvent.RunFinished last = (RunEvent.RunFinished) recorded.events().get(recorded.events().size() - 1);
        assertThat(state.status()).isEqualTo(last.status());
        assertThat(state.isFinished()).isTrue();
    }

    /** Folds the history event by event, checking that each decision the engine carried out is one the scheduler makes again. */
    static RunState replay(Scheduler scheduler, List<RunEvent> events) {
        RunState state = RunState.of((RunEvent.RunStarted) events.get(0));
        int decisionsChecked = 0;
        for (RunEvent event : events.subList(1, events.size())) {
            List<Decision> decisions = scheduler.decide(state, event.at());
            if (event instanceof RunEvent.StepStarted started && started.role() != null) {
                boolean decided = decisions.stream().anyMatch(d ->
                        (d instanceof Decision.Start s && s.key().equals(started.key()) && s.role() == started.role())
                                || (d instanceof Decision.Fail f && f.key().equals(started.key()))
                                || (d instanceof Decision.ListItems l && l.key().equals(started.key()) && l.items().equals(started.input().get("items"))));
                assertThat(decided).as("replayed decisions %s include starting %s", decisions, started.key()).isTrue();
                decisionsChecked++;
            } else if (event instanceof RunEvent.StepSkipped skipped) {
                assertThat(decisions).contains(new Decision.Skip(skipped.key(), skipped.reason()));
                decisionsChecked++;
            } else if (event instanceof RunEvent.AttemptFinished finished && !finished.attempt().succeeded()
                    && state.execution(finished.key()).map(x -> x.status() == StepStatus.RUNNING && x.retryAt().isEmpty()).orElse(false)
                    && !finished.attempt().message().startsWith("interrupted: ")) {
                assertThat(scheduler.retryAt(state, finished.key(), finished.attempt()))
                        .as("the retry time decided after attempt %d of %s", finished.attempt().number(), finished.key())
                        .isEqualTo(finished.retryAt());
                decisionsChecked++;
            } else if (event instanceof RunEvent.RetryStarted retry) {
                assertThat(decisions).contains(new Decision.Retry(retry.key(), state.execution(retry.key()).orElseThrow().stepId(), retry.attempt()));
                decisionsChecked++;
            } else if (event instanceof RunEvent.StepFinished finished && state.execution(finished.key()).map(StepExecution::waitingToRetry).orElse(false)) {
                assertThat(decisions).contains(new Decision.StopRetry(finished.key(), finished.status()));
                decisionsChecked++;
            } else if (event instanceof RunEvent.RunFinished finished) {
                assertThat(decisions).containsExactly(new Decision.Finish(finished.status(), finished.message()));
                decisionsChecked++;
            }
            state = state.apply(event);
        }
        assertThat(decisionsChecked).isGreaterThan(1);
        return state;
    }
}
