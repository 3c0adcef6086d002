package dev.opsbook.runbook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.steps.StandardSteps;
import org.junit.jupiter.api.Test;

/** The reader skips flexmark's inline parse everywhere but in task items: what a user wrote still reads the same. */
class MarkdownBlocksTest {

    private final RunbookLoader loader = new RunbookLoader(StandardSteps.all().catalog());

    @Test
    void a_task_item_written_with_emphasis_links_and_code_reads_as_its_plain_text() {
        var loaded = loader.load("tasks.md", """
                # Restart *the* service

                Some **prose** with a [link](https://example.com) and `code`.

                - [ ] Tell **the team** in [#ops](https://chat.example.com/ops) that `web` restarted
                """);

        assertThat(loaded.errors()).isEmpty();
        assertThat(loaded.runbook().title()).isEqualTo("Restart *the* service");
        Step task = loaded.runbook().steps().get(0);
        assertThat(task.title()).isEqualTo("Tell the team in #ops that web restarted");
        assertThat(task.id()).isEqualTo("tell-the-team-in-ops-that-web-restarted");
    }

    @Test
    void a_broken_fence_in_prose_and_an_unknown_key_are_still_reported_where_they_were_written() {
        var loaded = loader.load("broken.md", """
                Some *prose* first.

                ```http id=y
                url: "https://example.com"
                methd: GET
                ```

                ```shell id=x if="n > `0`"
                echo hi
                ```
                """);

        assertThat(loaded.errors()).extracting(d -> d.position().line() + ": " + d.message())
                .anySatisfy(m -> assertThat(m).startsWith("8: this shell block is not a step"))
                .anySatisfy(m -> assertThat(m).startsWith("5: unknown key 'methd' in http step").contains("did you mean 'method'"));
    }
}
