package dev.opsbook.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsbook.engine.Engine;
import dev.opsbook.engine.Interaction;
import dev.opsbook.engine.RunRequest;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.graph.LoadedRunbook;
import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.record.RecordPlace;
import dev.opsbook.steps.StandardSteps;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a reader of the record place sees between two writes of one run's files. */
class RecordExportOrderTest {

    @TempDir
    Path dir;

    @Test
    void each_time_the_trail_is_written_before_the_record_so_a_record_that_says_the_run_ended_has_its_whole_trail_beside_it()
            throws Exception {
        LoadedRunbook book = new RunbookLoader(StandardSteps.all().catalog()).load("two.md", """
                ---
                id: two
                title: Two checks
                ---

                ```assert id=one
                that: "`true`"
                ```

                ```assert id=two needs=one
                that: "`true`"
                ```
                """);
        List<String> written = new CopyOnWriteArrayList<>();
        RecordPlace place = new RecordPlace() {
            @Override
            public String write(String name, String text) {
                written.add(name.endsWith(".md") ? "record" : "trail");
                return name;
            }

            @Override
            public String describe() {
                return "a place that notes the order of writes";
            }
        };
        RecordExport export = RecordExport.unstored(place, book.runbook(), Optional::empty, new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8)).withTrails((runId, to) -> to.write(RecordPlace.trailName("two", runId), "trail"));

        RunStatus status = new Engine(StandardSteps.all()).run(new RunRequest(book, Map.of(), "test", "test", Interaction.NOBODY, Optional.empty(), dir),
                export).state().status();

        assertThat(status).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(written).as("the run's files written at each change, trail then record").hasSizeGreaterThanOrEqualTo(4)
                .hasSize(written.size() / 2 * 2);
        for (int i = 0; i < written.size(); i += 2) {
            assertThat(written.subList(i, i + 2)).containsExactly("trail", "record");
        }
    }
}
