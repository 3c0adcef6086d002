package dev.opsbook.graph;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsbook.runbook.Diagnostic;
import dev.opsbook.steps.StandardSteps;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What validate says of a runbook step against the runbooks it runs: at the parent's line and column. */
class SubRunbooksTest {

    @TempDir
    Path dir;

    private final RunbookLoader loader = new RunbookLoader(StandardSteps.all().catalog());

    private static final String CHILD = """
            ---
            id: drain-node
            parameters:
              node: { type: string }
              grace: { type: string, default: 30s }
            outputs:
              drained: steps.drain.result.json.drained
            ---
            ```shell id=drain
            echo '{"drained": true}'
            ```
            """;

    private String validate(String name) throws IOException {
        LoadedRunbook loaded = SubRunbooks.check(loader.load(dir.resolve(name)), RunbookCatalog.ofFolder(loader, dir));
        return String.join("\n", loaded.diagnostics().stream().map(d -> d.toString().replace(dir.toString() + "/", "")).toList());
    }

    private void write(String name, String text) throws IOException {
        Files.writeString(dir.resolve(name), text);
    }

    @Test
    void a_child_that_takes_what_it_is_given_validates_by_id_and_by_path() throws IOException {
        write("drain-node.md", CHILD);
        write("parent.md", """
                ```runbook id=by-id
                runbook: drain-node
                parameters: { node: n-1 }
                ```

                ```runbook id=by-path
                path: ./drain-node.md
                parameters: { node: '{{ steps."by-id".outputs.drained }}' }
                ```
                """);

        assertThat(validate("parent.md")).isEmpty();
    }

    @Test
    void an_unknown_child_is_an_error_at_its_line_with_the_id_it_probably_meant() throws IOException {
        write("drain-node.md", CHILD);
        write("parent.md", """
                ```runbook id=drain
                runbook: drain-nodes
                ```
                """);

        assertThat(validate("parent.md")).isEqualTo("parent.md:2:10: error: runbook step 'drain' runs runbook 'drain-nodes', which is not"
                + " among the runbooks read with this one; did you mean 'drain-node'?; name a runbook id of this folder, or give path:"
                + " ./FILE.md relative to this file");
    }

    @Test
    void a_parameter_the_child_does_not_declare_and_one_it_requires_are_errors_at_the_parent() throws IOException {
        write("drain-node.md", CHILD);
        write("parent.md", """
                ```runbook id=drain
                runbook: drain-node
                parameters:
                  nodes: n-1
                ```
                """);

        assertThat(validate("parent.md")).contains(
                "parent.md:4:10: error: runbook step 'drain' gives parameter 'nodes', which runbook drain-node does not declare;"
                        + " did you mean 'node'?; it takes node, grace",
                "parent.md:4:3: error: runbook step 'drain' does not give parameter 'node', which runbook drain-node requires;"
                        + " add it under parameters:");
    }

    @Test
    void a_runbook_that_runs_itself_through_another_is_a_cycle() throws IOException {
        write("a.md", "```runbook id=to-b\nrunbook: b\n```\n");
        write("b.md", "```runbook id=to-c\nrunbook: c\n```\n");
        write("c.md", "```runbook id=back\npath: ./a.md\n```\n");

        assertThat(validate("a.md")).isEqualTo("a.md:1:12: error: runbook step 'to-b' makes a cycle: a runs b runs c runs a;"
                + " a runbook cannot run itself, directly or through its children");
    }

    @Test
    void child_runs_nest_five_levels_at_most() throws IOException {
        for (int level = 0; level < 6; level++) {
            write("l" + level + ".md", "```runbook id=down\nrunbook: l" + (level + 1) + "\n```\n");
        }
        write("l6.md", "```shell id=bottom\ntrue\n```\n");

        assertThat(validate("l1.md")).isEmpty();
        assertThat(validate("l0.md")).startsWith("l0.md:1:12: error: runbook step 'down' nests child runs deeper than 5 levels"
                + " (l0 runs l1 runs l2 runs l3 runs l4 runs l5 runs l6)");
    }

    @Test
    void front_matter_outputs_must_parse_and_read_steps_the_runbook_has() throws IOException {
        write("bad.md", """
                ---
                outputs:
                  drained: steps.dran.result
                  broken: "steps.drain.["
                ---
                ```shell id=drain
                true
                ```
                """);

        assertThat(validate("bad.md")).contains("bad.md:3:12: error: output 'drained': steps.dran is not a step; did you mean 'drain'?")
                .contains("bad.md:4:11: error: output 'broken': ");
    }

    @Test
    void diagnostics_are_placed_in_the_parent_file() throws IOException {
        write("parent.md", "```runbook id=x\nrunbook: nothing-here\n```\n");
        LoadedRunbook loaded = SubRunbooks.check(loader.load(dir.resolve("parent.md")), RunbookCatalog.ofFolder(loader, dir));

        assertThat(loaded.errors()).extracting(Diagnostic::file).containsOnly(dir.resolve("parent.md").toString());
    }
}
