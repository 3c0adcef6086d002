package dev.opsbook.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsbook.record.MarkdownRecord;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A step with foreach= runs once per item; the record shows it once, with a table of its items. */
class ForEachTest {

    @TempDir
    Path workDir;

    private RunResult run(String fixture, Map<String, String> params) throws Exception {
        return Fixtures.run(fixture, params, Fixtures.answering(FixtureRun.Answers.YES), workDir, new RunControl(), RunListener.NONE);
    }

    @Test
    void each_item_runs_with_item_and_index_and_later_steps_read_the_items() throws Exception {
        RunResult result = run("engine/foreach.md", Map.of("skip", "beta"));

        assertThat(result.state().status()).as(result.state().message()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(result.state().execution("greet[0]").orElseThrow().result().path("stdout").asText()).isEqualTo("hello alpha #0\n");
        assertThat(result.state().execution("greet[1]").orElseThrow().status()).as("if= is read per item").isEqualTo(StepStatus.SKIPPED);
        assertThat(result.state().execution("greet[2]").orElseThrow().result().path("stdout").asText()).isEqualTo("hello gamma #2\n");
        assertThat(result.state().execution("count").orElseThrow().result().path("stdout").asText()).isEqualTo("greeted: alpha,gamma\n");
        assertThat(result.state().context().at("/steps/greet/outputs/line").toString())
                .as("each output is the list of the items' outputs, in input order")
                .isEqualTo("[\"hello alpha #0\\n\",null,\"hello gamma #2\\n\"]");
        assertThat(result.state().context().at("/steps/greet/items/1").toString()).contains("\"item\":\"beta\"", "\"index\":1", "\"status\":\"skipped\"");

        String record = MarkdownRecord.render(result);
        assertThat(record)
                .contains("**Items** (3 from `steps.list.outputs.names`):")
                .contains("| # | Item | Status | Duration | Result |")
                .contains("| 0 | alpha | ✅ succeeded |")
                .contains("| 1 | beta | ⏭️ skipped |")
                .contains("<details><summary>Item 2 · gamma · succeeded</summary>")
                .contains("`greet[0]` started (item of `greet`)")
                .contains("`greet[2]` succeeded");
        assertThat(record.split("\\*\\*Items\\*\\*", -1)).as("the step is shown once").hasSize(2);
    }

    @Test
    void an_empty_list_succeeds_with_no_items_and_says_so() throws Exception {
        RunResult result = run("engine/foreach.md", Map.of("names", "[]"));

        assertThat(result.state().status()).as(result.state().message()).isEqualTo(RunStatus.SUCCEEDED);
        StepExecution greet = result.state().execution("greet").orElseThrow();
        assertThat(greet.status()).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(greet.message()).isEqualTo("no items: foreach \"steps.list.outputs.names\" gave an empty list, nothing ran");
        assertThat(MarkdownRecord.render(result)).contains("No items: `steps.list.outputs.names` gave an empty list.");
    }

    @Test
    void a_foreach_that_gives_no_list_fails_the_step_naming_the_expression_and_the_type() throws Exception {
        RunResult result = run("engine/foreach.md", Map.of("names", "{\"a\": 1}"));

        assertThat(result.state().status()).isEqualTo(RunStatus.FAILED);
        assertThat(result.state().execution("greet").orElseThrow().message())
                .startsWith("foreach \"steps.list.outputs.names\" gave an object, not a list; nothing ran");
        assertThat(result.state().execution("greet[0]")).isEmpty();
    }

    @Test
    void a_foreach_over_text_fails_in_one_line_and_says_how_to_make_a_list() throws Exception {
        RunResult result = run("engine/foreach-text.md", Map.of());

        assertThat(result.state().status()).isEqualTo(RunStatus.FAILED);
        assertThat(result.state().execution("restart").orElseThrow().message())
                .as("the text is quoted as JSON, so the message stays one line")
                .startsWith("foreach \"steps.find.outputs.ids\" gave a string (\"i-1\\ni-2\"), not a list; nothing ran. A step's text output is one string")
                .contains("outputs=\"{NAME: json}\"")
                .doesNotContain("\n");
    }

    @Test
    void a_foreach_that_gives_null_says_how_to_make_an_absent_list_empty() throws Exception {
        RunResult result = run("engine/foreach.md", Map.of("names", "null"));

        assertThat(result.state().status()).isEqualTo(RunStatus.FAILED);
        assertThat(result.state().execution("greet").orElseThrow().message()).isEqualTo("foreach \"steps.list.outputs.names\" gave null,"
                + " not a list; nothing ran. If it may be absent, give an empty list as the default: foreach=\"steps.list.outputs.names || `[]`\""
                + " (fence the step with ~~~ for the backticks)");
    }

    @Test
    void more_items_than_limits_max_items_are_refused_before_any_item_runs() throws Exception {
        RunResult result = run("engine/foreach.md", Map.of("names", "[1,2,3,4]"));

        assertThat(result.state().status()).isEqualTo(RunStatus.FAILED);
        assertThat(result.state().execution("greet").orElseThrow().message())
                .startsWith("foreach \"steps.list.outputs.names\" gave 4 items, more than 3 (limits.maxItems); no item ran");
        assertThat(result.state().executions().keySet()).containsExactly("list", "greet");
    }

    @Test
    void past_max_errors_no_new_item_starts_the_step_fails_and_the_items_that_succeeded_are_rolled_back_newest_first() throws Exception {
        RunResult result = run("engine/foreach-errors.md", Map.of());

        assertThat(result.state().status()).isEqualTo(RunStatus.FAILED);
        StepExecution act = result.state().execution("act").orElseThrow();
        assertThat(act.status()).isEqualTo(StepStatus.FAILED);
        assertThat(act.message()).isEqualTo("2 of 5 items failed, more than max-errors=1 allows (1): 5 items: 2 succeeded, 2 failed, 1 not started");
        assertThat(result.state().execution("act[4]")).as("the item after the second failure never starts").isEmpty();
        List<String> rollbacks = result.state().executions().values().stream().filter(x -> x.role() == Role.ROLLBACK)
                .map(x -> x.forStep().orElseThrow() + ": " + x.result().path("stdout").asText().strip()).toList();
        assertThat(rollbacks).containsExactly("act[2]: undid b #2", "act[0]: undid a #0");

        String record = MarkdownRecord.render(result);
        assertThat(record)
                .contains("| 1 | bad1 | ❌ failed |")
                .contains("exit code 3: cannot act on bad1")
                .contains("| 4 | c | ▫️ not started |  |  |")
                .contains("as rollback for `act[2]`");
    }

    @Test
    void a_recorded_for_each_run_replays_to_the_same_decisions() throws Exception {
        RunResult result = run("engine/foreach-errors.md", Map.of());

        RunState replayed = ReplayTest.replay(new Scheduler(Fixtures.load("engine/foreach-errors.md").graph()), result.events());

        assertThat(replayed).isEqualTo(result.state());
    }
}
