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

class CoverageTest {

    private static final String RUNBOOK = """
            ---
            id: cover
            parameters:
              deep: { type: boolean, default: false }
            ---

            ```shell id=list rollback=unlist
            echo '["a", "b"]'
            ```

            ```shell id=each foreach="steps.list.result.json" on-failure=page
            echo "{{ item }}"
            ```

            ```shell id=deep-check if="params.deep"
            echo deep
            ```

            ## Handlers

            ```shell id=unlist
            echo unlisted
            ```

            ```shell id=page
            echo paged
            ```
            """;

    @TempDir
    Path dir;

    private Coverage.Report coverage(String cases) throws Exception {
        Files.writeString(dir.resolve("cover.md"), RUNBOOK);
        Files.writeString(dir.resolve("cover.test.yaml"), cases);
        TestSuite.Found found = TestSuite.find(List.of(dir), new RunbookLoader(StandardSteps.all().catalog()));
        assertThat(found.problems()).isEmpty();
        List<CaseResult> results = TestSuite.run(found.files(), new CaseRunner("python3"), 2, r -> { });
        assertThat(results).allMatch(CaseResult::passed, "every case passes");
        return Coverage.of(found.files().get(0).runbook().graph(), results.stream().flatMap(r -> r.run().stream()).map(RunResult::state).toList());
    }

    @Test
    void the_happy_path_alone_leaves_the_other_branch_the_rollback_the_handler_and_item_failures_unexercised() throws Exception {
        Coverage.Report report = coverage("""
                cases:
                  - name: lists and goes over each
                    steps: { list: { stdout: '["a", "b"]' } }
                    expect: { status: succeeded }
                """);

        assertThat(report.missed()).extracting(Coverage.Path::label).containsExactly(
                "rollback unlist for list", "for-each each with an item failing", "on-failure page for each", "if deep-check true");
        assertThat(Coverage.lines(report)).first().isEqualTo("⚠️ cover: 3 of 7 paths exercised");
    }

    @Test
    void cases_down_every_path_exercise_all_of_them() throws Exception {
        Coverage.Report report = coverage("""
                cases:
                  - name: lists and goes over each, deeply
                    params: { deep: "true" }
                    steps: { list: { stdout: '["a", "b"]' } }
                    expect: { status: succeeded }
                  - name: lists and goes over each, not deeply
                    steps: { list: { stdout: '["a"]' } }
                    expect: { status: succeeded, steps: { deep-check: skipped } }
                  - name: an item that fails pages and unlists
                    steps: { list: { stdout: '["a"]' }, each: { fail: boom } }
                    expect: { status: failed, steps: { list: rolled-back } }
                """);

        assertThat(report.missed()).isEmpty();
        assertThat(Coverage.lines(report)).containsExactly("✅ cover: 7 of 7 paths exercised");
    }
}
