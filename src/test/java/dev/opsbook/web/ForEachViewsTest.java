package dev.opsbook.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsbook.engine.Fixtures;
import dev.opsbook.engine.Interaction;
import dev.opsbook.engine.RunControl;
import dev.opsbook.engine.RunListener;
import dev.opsbook.engine.RunResult;
import dev.opsbook.engine.RunStatus;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A for-each step on the run page: the graph shows the step's own status; each item waiting for a person is answered on its own. */
class ForEachViewsTest {

    @TempDir
    Path workDir;

    @Test
    void the_graph_shows_a_for_each_steps_own_status_not_its_last_items() throws Exception {
        RunResult result = Fixtures.run("engine/foreach-errors.md", Map.of("names", "[\"a\",\"b\",\"bad1\"]"), Interaction.NOBODY, workDir,
                new RunControl(), RunListener.NONE);

        assertThat(result.state().execution("act[2]").orElseThrow().status().label()).isEqualTo("failed");
        assertThat(Views.statuses(result.state())).as("max-errors=1 allows the last item's failure").containsEntry("act", "succeeded");
    }

    @Test
    void each_waiting_item_has_its_own_answer_naming_the_item() throws Exception {
        RunResult result = Fixtures.run("engine/foreach-approve-together.md", Map.of(), Interaction.NOBODY, workDir, new RunControl(),
                RunListener.NONE);

        assertThat(result.state().status()).isEqualTo(RunStatus.WAITING);
        assertThat(Views.waiting(Fixtures.load("engine/foreach-approve-together.md").graph(), result.state(), result.redactor()))
                .extracting(w -> w.stepId() + " " + w.path() + " " + w.prompt())
                .containsExactly("allow[0] allow%5B0%5D Restart web-1?", "allow[1] allow%5B1%5D Restart web-2?");
    }
}
