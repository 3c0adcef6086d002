package dev.opsbook.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsbook.steps.StandardSteps;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A template whose value is null fails its step before it runs, saying which expression and why. */
class NullTemplateValuesTest {

    @TempDir
    Path workDir;

    @Test
    void a_null_template_fails_its_step_before_it_runs_and_says_why_unless_it_gives_a_default() throws Exception {
        RunResult result = Fixtures.run("engine/null-values.md", Map.of(), Fixtures.answering(FixtureRun.Answers.YES), workDir,
                new RunControl(), RunListener.NONE);

        RunState state = result.state();
        assertThat(state.execution("defaulted").orElseThrow().result().path("stdout").asText()).isEqualTo("json: none\n");
        assertThat(state.execution("only-with-json").orElseThrow().status()).as("a null condition is false, not an error")
                .isEqualTo(StepStatus.SKIPPED);
        StepExecution use = state.execution("use").orElseThrow();
        assertThat(use.status()).isEqualTo(StepStatus.FAILED);
        assertThat(use.message()).isEqualTo("cannot render input: steps.greet.result.json.name is null: steps.greet.result has no 'json'"
                + " (it has exitCode, stdout, stderr); if it may be, give a default: {{ steps.greet.result.json.name || 'none' }}");
        assertThat(Files.exists(workDir.resolve("used.txt"))).as("the step did not run").isFalse();
        assertThat(state.execution("check-token").orElseThrow().message())
                .startsWith("cannot render input: params.token is null: parameter 'token' has no value");
    }

    @Test
    void a_dry_run_leaves_what_only_the_run_knows_as_written_and_shows_a_null_it_can_already_tell() throws Exception {
        Plan plan = Plan.of(Fixtures.load("engine/null-values.md"), Map.of(), StandardSteps.all());

        assertThat(plan.steps()).filteredOn(s -> s.id().equals("greet")).singleElement()
                .satisfies(s -> assertThat(s.input().path("script").asText()).contains("{{ run.startedBy }}"));
        assertThat(plan.steps()).filteredOn(s -> s.id().equals("use")).singleElement()
                .satisfies(s -> assertThat(s.input().path("script").asText()).contains("{{ steps.greet.result.json.name }}"));
        assertThat(plan.steps()).filteredOn(s -> s.id().equals("check-token")).singleElement()
                .satisfies(s -> assertThat(s.input().path("error").asText()).contains("parameter 'token' has no value"));
    }
}
