package dev.opsbook.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsbook.engine.Engine;
import dev.opsbook.engine.RunListener;
import dev.opsbook.engine.RunRequest;
import dev.opsbook.engine.RunResult;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.engine.StepStatus;
import dev.opsbook.graph.LoadedRunbook;
import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.runbook.Diagnostic;
import dev.opsbook.runbook.Step;
import dev.opsbook.steps.StandardSteps;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Behaviour docs/FORMAT.md promises that was found wrong while writing it. */
class FormatEdgeCasesTest {

    private final RunbookLoader loader = new RunbookLoader(StandardSteps.all().catalog());

    @Test
    void a_generated_id_never_takes_an_id_written_elsewhere(@TempDir Path dir) throws Exception {
        String text = """
                ---
                title: Ids
                ---
                ```shell id=deploy
                echo deploy
                ```

                - [ ] Deploy

                ```shell id=shell-1
                echo one
                ```

                ```shell
                echo two
                ```
                """;
        LoadedRunbook loaded = loader.load("ids.md", text);

        assertThat(loaded.diagnostics()).isEmpty();
        assertThat(loaded.runbook().steps()).extracting(Step::id)
                .containsExactly("deploy", "deploy-2", "shell-1", "shell-2");
        assertThat(loaded.graph().flow()).hasSize(4);

        RunResult result = new Engine(StandardSteps.all()).run(new RunRequest(loaded, Map.of(), "tester", "test",
                DocsSupport.YES, Optional.empty(), dir), RunListener.NONE);

        assertThat(result.state().status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(result.state().executions().values())
                .allMatch(x -> x.status() == StepStatus.SUCCEEDED)
                .hasSize(4);
    }

    @Test
    void a_condition_on_a_handler_is_reported_as_ignored() {
        String text = """
                ---
                title: Handler condition
                ---
                ```shell id=prepare rollback=undo
                echo prepare
                ```

                ```shell id=undo if="run.dryRun"
                echo undo
                ```
                """;
        LoadedRunbook loaded = loader.load("handler-if.md", text);

        assertThat(loaded.hasErrors()).isFalse();
        assertThat(loaded.diagnostics()).extracting(Diagnostic::toString).containsExactly(
                "handler-if.md:8:18: warning: if on 'undo' is ignored: it runs only as a rollback or on-failure handler, whenever it is called");
    }

    @Test
    void a_backtick_in_the_info_string_of_a_backtick_fence_is_an_error_not_a_lost_step() {
        String text = """
                ---
                title: Backticks
                ---
                ```shell id=count
                echo '{"stuck": 1}'
                ```

                ```shell id=clear if="steps.count.result.json.stuck > `0`"
                echo clearing
                ```

                ```shell id=summary
                echo done
                ```
                """;
        LoadedRunbook loaded = loader.load("backticks.md", text);

        assertThat(loaded.diagnostics()).extracting(Diagnostic::toString).containsExactly(
                "backticks.md:8:1: error: this shell block is not a step: a ``` fence cannot have a backtick (`) after its kind,"
                        + " so Markdown reads it as text; fence the step with ~~~ instead, or write the attribute without backticks");
    }

    @Test
    void a_tilde_fence_may_hold_backticks_in_its_attributes(@TempDir Path dir) throws Exception {
        String text = """
                ---
                title: Tildes
                ---
                ```shell id=count
                echo '{"stuck": 1}'
                ```

                ~~~shell id=clear if="steps.count.result.json.stuck > `0`"
                echo clearing
                ~~~

                Prose that mentions ```shell``` in passing is no step and no error.
                """;
        LoadedRunbook loaded = loader.load("tildes.md", text);

        assertThat(loaded.diagnostics()).isEmpty();
        RunResult result = new Engine(StandardSteps.all()).run(new RunRequest(loaded, Map.of(), "tester", "test",
                DocsSupport.YES, Optional.empty(), dir), RunListener.NONE);
        assertThat(result.state().execution("clear").orElseThrow().status()).isEqualTo(StepStatus.SUCCEEDED);
    }
}
