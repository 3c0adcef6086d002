package dev.opsbook.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.opsbook.store.JdbcRunStore;
import dev.opsbook.store.RunStore;
import dev.opsbook.testing.InProcessCli;
import dev.opsbook.testing.TwoVersions;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code opsbook diff} over two real runs of two versions of a runbook, read from the store as {@code opsbook show} reads it. */
class DiffCommandTest {

    @TempDir
    static Path dir;

    private static String url;
    private static RunStore store;
    private static TwoVersions runs;

    @BeforeAll
    static void twoRuns() throws Exception {
        url = JdbcRunStore.embeddedUrl(dir.resolve("store"));
        store = JdbcRunStore.open(url, "", "");
        runs = TwoVersions.run(dir, url, store);
    }

    @AfterAll
    static void close() {
        store.close();
    }

    @Test
    void prints_both_runs_side_by_side_with_what_differs_starred_and_the_runbook_diff() {
        InProcessCli.Result diff = InProcessCli.run(new DiffCommand(), runs.runA(), runs.runB(), "--store", url);
        assertThat(diff.exitCode()).as(diff.stderr()).isZero();
        assertThat(diff.stdout())
                .startsWith("Run A " + runs.runA() + " and run B " + runs.runB() + " of restart\n")
                .containsPattern("(?m)^\\* status +failed +succeeded$")
                .containsPattern("(?m)^\\* service +web +api$")
                .containsPattern("(?m)^  hosts +\\[\"h1\",\"h2\"] +\\[\"h1\",\"h2\"]$")
                .containsPattern("(?m)^\\* copy +succeeded, rolled back \\S+ (ms|s) +succeeded \\S+ (ms|s) +[+-]")
                .containsPattern("(?m)^\\* old-step +not reached +not in runbook$")
                .contains("A items: 2 items: 1 failed, 1 succeeded")
                .containsPattern("(?m)^\\* message\n +A: step 'restart' failed: 1 of 2 items failed")
                .contains("+echo \"checked $service twice with $token\"")
                .doesNotContain(TwoVersions.TOKEN_A, TwoVersions.TOKEN_B);
        assertThat(diff.stdout().lines()).as("fits a terminal").allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(200));
    }

    @Test
    void with_one_run_compares_it_with_the_run_of_its_runbook_before_it() {
        InProcessCli.Result diff = InProcessCli.run(new DiffCommand(), runs.runB(), "--store", url);
        assertThat(diff.exitCode()).as(diff.stderr()).isZero();
        assertThat(diff.stdout()).startsWith("Run A " + runs.runA() + " and run B " + runs.runB() + " of restart\n");
        InProcessCli.Result first = InProcessCli.run(new DiffCommand(), runs.runA(), "--store", url);
        assertThat(first.exitCode()).isEqualTo(2);
        assertThat(first.stderr()).isEqualTo("error: run " + runs.runA() + " is the first of its runbook in " + store.describe()
                + "; name the other run: opsbook diff RUN_A RUN_B\n");
    }

    @Test
    void json_output_carries_the_same_comparison_for_machines() throws Exception {
        InProcessCli.Result diff = InProcessCli.run(new DiffCommand(), runs.runA(), runs.runB(), "--store", url, "--output", "json");
        assertThat(diff.exitCode()).as(diff.stderr()).isZero();
        JsonNode json = new ObjectMapper().readTree(diff.stdout());
        assertThat(json.at("/a/status").asText()).isEqualTo("failed");
        assertThat(json.at("/b/run").asText()).isEqualTo(runs.runB());
        assertThat(json.at("/runbookText/changed").asBoolean()).isTrue();
        assertThat(json.at("/runbookText/diff").asText()).contains("+```shell id=tell");
        assertThat(json.path("durationDeltaMs").isIntegralNumber()).isTrue();
        assertThat(json.path("steps").findValuesAsText("key")).contains("check", "copy", "restart", "tell");
    }

    @Test
    void an_unknown_run_is_one_line_and_exit_2() {
        InProcessCli.Result diff = InProcessCli.run(new DiffCommand(), runs.runA(), "20990101-000000-000000000000", "--store", url);
        assertThat(diff.exitCode()).isEqualTo(2);
        assertThat(diff.stdout()).isEmpty();
        assertThat(diff.stderr()).isEqualTo("error: no run 20990101-000000-000000000000 in " + store.describe()
                + "; list them with opsbook runs\n");
    }
}
