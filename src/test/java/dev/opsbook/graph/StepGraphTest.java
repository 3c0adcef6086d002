package dev.opsbook.graph;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsbook.runbook.Diagnostic;
import dev.opsbook.steps.StandardSteps;
import java.util.List;
import org.junit.jupiter.api.Test;

class StepGraphTest {

    private static final RunbookLoader LOADER = new RunbookLoader(StandardSteps.all().catalog());

    private static LoadedRunbook load(String markdown) {
        return LOADER.load("graph.md", markdown);
    }

    private static String shell(String attributes) {
        return "```shell " + attributes + "\necho hi\n```\n\n";
    }

    private static List<String> messages(LoadedRunbook loaded) {
        return loaded.diagnostics().stream().map(Diagnostic::message).toList();
    }

    @Test
    void without_needs_each_step_waits_for_the_one_before_it_in_reading_order() {
        StepGraph graph = load("# Order\n\n" + shell("id=a") + shell("id=b") + "- [ ] Look at it\n\n" + shell("id=c")).graph();

        assertThat(graph.flow()).containsExactly("a", "b", "look-at-it", "c");
        assertThat(graph.dependenciesOf("a")).isEmpty();
        assertThat(graph.dependenciesOf("b")).containsExactly("a");
        assertThat(graph.dependenciesOf("look-at-it")).containsExactly("b");
        assertThat(graph.dependenciesOf("c")).containsExactly("look-at-it");
        assertThat(graph.ancestors("c")).containsExactlyInAnyOrder("a", "b", "look-at-it");
        assertThat(graph.dependents("a")).containsExactly("b");
        assertThat(graph.cycle()).isEmpty();
    }

    @Test
    void a_step_is_an_ancestor_exactly_when_it_is_among_the_ancestors_through_branches_joins_and_cycles() {
        StepGraph graph = load("# Shapes\n\n" + shell("id=start") + shell("id=left needs=start") + shell("id=right needs=start")
                + shell("id=join needs=left,right") + shell("id=after") + shell("id=x needs=y") + shell("id=y needs=x")
                + shell("id=undo") + shell("id=risky rollback=undo")).graph();
        List<String> ids = List.of("start", "left", "right", "join", "after", "x", "y", "undo", "risky", "nothing");

        for (String step : ids) {
            for (String candidate : ids) {
                assertThat(graph.isAncestor(candidate, step)).as("%s before %s", candidate, step)
                        .isEqualTo(graph.ancestors(step).contains(candidate));
            }
        }
        assertThat(graph.isAncestor("start", "after")).isTrue();
        assertThat(graph.isAncestor("right", "left")).isFalse();
        assertThat(graph.isAncestor("x", "x")).isTrue();
    }

    @Test
    void a_generated_id_never_takes_an_id_written_elsewhere_so_no_step_drops_out_of_the_flow() {
        LoadedRunbook loaded = load("# Names\n\n" + shell("id=check") + "- [ ] Check\n\n" + shell("id=shell-2")
                + "```shell\necho one\n```\n\n```shell\necho two\n```\n\n- [ ] Shell 3\n");

        assertThat(loaded.diagnostics()).isEmpty();
        assertThat(loaded.runbook().steps()).extracting(s -> s.id()).doesNotHaveDuplicates()
                .containsExactly("check", "check-2", "shell-2", "shell-1", "shell-3", "shell-3-2");
        assertThat(loaded.graph().flow()).hasSize(6);
    }

    @Test
    void needs_opens_branches_that_run_in_parallel_and_join_again() {
        LoadedRunbook loaded = load("# Branches\n\n" + shell("id=start") + shell("id=left needs=start")
                + shell("id=right needs=start") + shell("id=join needs=left,right") + shell("id=after"));
        StepGraph graph = loaded.graph();

        assertThat(loaded.diagnostics()).isEmpty();
        assertThat(graph.dependents("start")).containsExactly("left", "right");
        assertThat(graph.dependenciesOf("join")).containsExactly("left", "right");
        assertThat(graph.ancestors("right")).containsExactly("start");
        assertThat(graph.ancestors("right")).doesNotContain("left");
        assertThat(graph.ancestors("join")).containsExactlyInAnyOrder("start", "left", "right");
        assertThat(graph.dependenciesOf("after")).containsExactly("join");
    }

    @Test
    void a_step_without_needs_after_a_branch_waits_only_for_the_step_written_just_before_it() {
        StepGraph graph = load("# Tail\n\n" + shell("id=start") + shell("id=left needs=start")
                + shell("id=right needs=start") + shell("id=tail")).graph();

        assertThat(graph.dependenciesOf("tail")).containsExactly("right");
        assertThat(graph.ancestors("tail")).containsExactlyInAnyOrder("right", "start");
    }

    @Test
    void rollback_and_on_failure_targets_are_handlers_outside_the_flow() {
        StepGraph graph = load("# Handlers\n\n" + shell("id=deploy rollback=undeploy") + shell("id=undeploy")
                + shell("id=migrate on-failure=page") + shell("id=page") + shell("id=verify")).graph();

        assertThat(graph.flow()).containsExactly("deploy", "migrate", "verify");
        assertThat(graph.handlers()).containsExactlyInAnyOrder("undeploy", "page");
        assertThat(graph.isHandler("undeploy")).isTrue();
        assertThat(graph.isHandler("deploy")).isFalse();
        assertThat(graph.ownersOf("undeploy")).containsExactly("deploy");
        assertThat(graph.ownersOf("page")).containsExactly("migrate");
        assertThat(graph.dependenciesOf("migrate")).as("the handler between them is skipped").containsExactly("deploy");
        assertThat(graph.dependenciesOf("verify")).containsExactly("migrate");
        assertThat(graph.dependenciesOf("undeploy")).isEmpty();
    }

    @Test
    void a_handler_may_read_the_outputs_of_the_step_it_handles_but_the_flow_may_not_read_a_handler() {
        LoadedRunbook loaded = load("# Reads\n\n" + shell("id=deploy rollback=undeploy")
                + "```shell id=undeploy\necho \"{{ steps.deploy.outputs.version }}\"\n```\n\n"
                + "```shell id=report\necho \"{{ steps.undeploy.outputs.done }}\"\n```\n");

        assertThat(loaded.diagnostics()).singleElement().satisfies(d -> {
            assertThat(d.position().line()).isEqualTo(12);
            assertThat(d.message()).contains("step 'report' reads steps.undeploy, but 'undeploy' is not certain to have run before it");
        });
    }

    @Test
    void needs_naming_a_handler_or_the_step_itself_is_an_error_at_the_attribute() {
        LoadedRunbook loaded = load("# Bad needs\n\n" + shell("id=deploy rollback=undo") + shell("id=undo")
                + shell("id=check needs=undo") + shell("id=self needs=self"));

        assertThat(loaded.diagnostics()).extracting(d -> d.position().toString())
                .contains("11:19", "15:18");
        assertThat(messages(loaded)).contains(
                "step 'check' needs 'undo', which runs only as a rollback or on-failure handler",
                "step 'self' needs itself");
    }

    @Test
    void steps_that_need_each_other_form_a_cycle_which_is_reported_once() {
        LoadedRunbook loaded = load("# Cycle\n\n" + shell("id=a needs=c") + shell("id=b") + shell("id=c"));

        assertThat(loaded.graph().cycle()).contains(List.of("a", "c", "b", "a"));
        assertThat(loaded.diagnostics()).singleElement().hasToString(
                "graph.md:3:15: error: steps form a cycle: a needs c needs b needs a; break it by removing one of these needs");
    }

    @Test
    void a_graph_without_cycle_has_none_even_when_branches_share_ancestors() {
        StepGraph graph = load("# Diamond\n\n" + shell("id=a") + shell("id=b needs=a") + shell("id=c needs=a")
                + shell("id=d needs=b,c")).graph();

        assertThat(graph.cycle()).isEmpty();
    }

    private static final String SMALL = """
            ---
            title: Deploy the web tier
            ---

            # Deploy

            ```shell id=a
            echo build
            ```

            ```shell id=b rollback=undo retries=2 timeout=90s
            echo deploy
            ```

            ```assert id=check-it needs=b if="params.verify"
            that: "steps.b.status == 'succeeded'"
            ```

            ```shell id=undo
            echo undo
            ```

            - [ ] Tell the "team" it is done
            """;

    @Test
    void the_plain_graph_lists_the_flow_in_order_with_what_each_step_waits_for_then_the_handlers() {
        assertThat(GraphText.plain(load(SMALL).graph())).isEqualTo("""
                Deploy the web tier (graph, runbook)
                  1. a                        shell   first
                  2. b                        shell   after a; retries 2; timeout 1 m 30 s; rollback undo
                  3. check-it                 assert  after b; if params.verify
                  4. tell-the-team-it-is-done manual  after check-it
                     "Tell the "team" it is done"
                  handlers (run only on failure):
                     undo                     shell    for b
                """);
    }

    @Test
    void the_plain_graph_of_a_runbook_without_steps_says_so() {
        assertThat(GraphText.plain(load("# Just prose\n\nRead me.\n").graph()))
                .isEqualTo("Just prose (graph, runbook)\n  No steps: nothing in it runs. Blocks fenced as `bash` or `sh` are prose;"
                        + " a block fenced as `shell` (or another step kind) or a `- [ ]` checklist item is a step.\n");
    }

    @Test
    void the_mermaid_graph_is_a_fenced_flowchart_with_every_step_and_edge() {
        String mermaid = GraphText.mermaid(load(SMALL).graph());

        assertThat(mermaid).startsWith("```mermaid\nflowchart TD\n").endsWith("\n```\n");
        assertThat(mermaid.lines()).filteredOn(l -> l.startsWith("```")).hasSize(2);
        assertThat(mermaid.lines()).contains(
                "  s_a[\"a · shell\"]",
                "  s_check_it{{\"check-it · assert · if params.verify\"}}",
                "  s_undo[/\"undo · shell\"/]",
                "  s_tell_the_team_it_is_done[\"Tell the #quot;team#quot; it is done\"]",
                "  s_a --> s_b",
                "  s_b --> s_check_it",
                "  s_check_it --> s_tell_the_team_it_is_done",
                "  s_b -. rollback .-> s_undo");
        assertThat(mermaid).doesNotContain("--> s_undo").doesNotContain("--> s_a\n");
        assertThat(mermaid.lines().filter(l -> l.contains("-->")).count()).isEqualTo(3);
    }

    @Test
    void the_mermaid_graph_draws_on_failure_handlers_with_a_dotted_edge() {
        String mermaid = GraphText.mermaid(load("# F\n\n" + shell("id=migrate on-failure=page-oncall") + shell("id=page-oncall")).graph());

        assertThat(mermaid).contains("  s_migrate -. on failure .-> s_page_oncall\n");
    }
}
