package dev.opsbook.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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
        Scheduler scheduler = new Scheduler(Fixtures.load(fixture).graph());

        List<RunEvent> events = result.events();
        RunState state = RunState.of((RunEvent.RunStarted) events.get(0));
        int decisionsChecked = 0;
        for (RunEvent event : events.subList(1, events.size())) {
            List<Decision> decisions = scheduler.decide(state);
            if (event instanceof RunEvent.StepStarted started && started.role() != null) {
                boolean decided = decisions.stream().anyMatch(d ->
                        (d instanceof Decision.Start s && s.key().equals(started.key()) && s.role() == started.role())
                                || (d instanceof Decision.Fail f && f.key().equals(started.key())));
                assertThat(decided).as("replayed decisions %s include starting %s", decisions, started.key()).isTrue();
                decisionsChecked++;
            } else if (event instanceof RunEvent.StepSkipped skipped) {
                assertThat(decisions).contains(new Decision.Skip(skipped.key(), skipped.reason()));
                decisionsChecked++;
            } else if (event instanceof RunEvent.RunFinished finished) {
                assertThat(decisions).containsExactly(new Decision.Finish(finished.status(), finished.message()));
                decisionsChecked++;
            }
            state = state.apply(event);
        }
        assertThat(decisionsChecked).isGreaterThan(1);
        assertThat(state).isEqualTo(result.state());
    }
}
