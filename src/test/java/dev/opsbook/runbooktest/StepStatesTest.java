package dev.opsbook.runbooktest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsbook.engine.RunResult;
import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.steps.StandardSteps;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code expect: steps:} reads for handlers, which run keyed {@code handler/for-owner}, and for for-each rollbacks. */
class StepStatesTest {

    private static final String RUNBOOK = """
            ---
            id: undo
            ---

            ```shell id=open rollback=close
            echo opened
            ```

            ```shell id=each foreach="steps.list.result.json" rollback=unlist
            echo "{{ item }}"
            ```

            ```shell id=check on-failure=page
            echo checked
            ```

            ## Handlers

            ```shell id=close
            echo closed
            ```

            ```shell id=unlist
            echo "unlisted {{ item }}"
            ```

            ```shell id=page
            echo paged
            ```
            """;

    @TempDir
    Path dir;

    private List<CaseResult> run(String runbook, String cases) throws Exception {
        Files.writeString(dir.resolve("undo.md"), runbook);
        Files.writeString(dir.resolve("undo.test.yaml"), cases);
        TestSuite.Found found = TestSuite.find(List.of(dir), new RunbookLoader(StandardSteps.all().catalog()));
        assertThat(found.problems()).isEmpty();
        return TestSuite.run(found.files(), new CaseRunner("python3"), 2, r -> { });
    }

    private static String withList(String runbook) {
        return runbook.replace("```shell id=each", "```shell id=list\necho '[\"a\", \"b\"]'\n```\n\n```shell id=each");
    }

    @Test
    void a_rollback_handler_id_reads_succeeded_when_it_ran_as_a_rollback_and_not_run_when_it_did_not() throws Exception {
        List<CaseResult> results = run(withList(RUNBOOK), """
                cases:
                  - name: the check fails, so the page runs and everything is rolled back
                    steps: { check: { fail: boom } }
                    expect:
                      status: failed
                      steps: { open: rolled-back, close: succeeded, page: succeeded, each: rolled-back, unlist: succeeded }
                  - name: nothing fails, so no handler runs
                    expect:
                      status: succeeded
                      steps: { open: succeeded, close: not-run, page: not-run, each: succeeded, unlist: not-run }
                """);

        assertThat(results).allSatisfy(r -> assertThat(r.failures()).as(r.testCase().name()).isEmpty());
    }

    @Test
    void a_handler_whose_run_failed_reads_failed_and_its_owner_stays_succeeded() throws Exception {
        List<CaseResult> results = run(withList(RUNBOOK), """
                cases:
                  - name: the rollback of one item fails
                    steps: { check: { fail: boom }, unlist: { fail: cannot unlist } }
                    expect:
                      steps: { unlist: succeeded, each: rolled-back }
                """);

        assertThat(results.get(0).failures()).extracting(f -> f.expected() + " / got " + f.actual()).containsExactly(
                "step unlist: succeeded / got failed",
                "step each: rolled-back / got succeeded: 2 items: 2 succeeded");
    }

    @Test
    void coverage_counts_a_rollback_that_ran_for_the_items_of_a_for_each_step() throws Exception {
        List<CaseResult> results = run(withList(RUNBOOK), """
                cases:
                  - name: the check fails
                    steps: { check: { fail: boom } }
                    expect: { status: failed }
                """);
        TestSuite.Found found = TestSuite.find(List.of(dir), new RunbookLoader(StandardSteps.all().catalog()));

        Coverage.Report report = Coverage.of(found.files().get(0).runbook().graph(),
                results.stream().flatMap(r -> r.run().stream()).map(RunResult::state).toList());

        assertThat(report.paths()).filteredOn(p -> p.label().equals("rollback unlist for each"))
                .singleElement().extracting(Coverage.Path::exercised).isEqualTo(true);
    }
}
