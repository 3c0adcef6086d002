package dev.opsbook.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the packaged CLI reads runbooks: from standard input, as a set with ids to tell apart, and what a dry run shows of them. */
class ReadingRunbooksIT {

    @TempDir
    Path dir;

    private static final String RESTART = """
            ---
            id: restart
            title: Restart the API
            timeout: 20m
            ---

            ```shell id=drain timeout=30s retries=2
            echo draining
            ```
            """;

    @Test
    void validate_dash_reads_the_runbook_from_standard_input_and_names_it_stdin() throws Exception {
        Path input = dir.resolve("input.md");
        Files.writeString(input, "# From a pipe\n\n```shell id=x needs=nowhere\necho hi\n```\n");

        Cli.Result result = Cli.runWithInput(dir, input, "validate", "-");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stdout().lines().toList()).containsExactly(
                "<stdin>:3:15: error: step 'x' needs 'nowhere', which is not a step");
        assertThat(result.stderr()).contains("1 file checked: 1 invalid (1 error, 0 warnings)").doesNotContain("all valid");

        Files.writeString(input, RESTART);
        Cli.Result valid = Cli.runWithInput(dir, input, "validate", "-");
        assertThat(valid.exitCode()).as(valid.all()).isZero();
        assertThat(valid.stderr()).contains("1 file checked: all valid");
    }

    @Test
    void run_and_graph_read_a_dash_from_standard_input_too() throws Exception {
        Path input = dir.resolve("input.md");
        Files.writeString(input, RESTART);

        Cli.Result dryRun = Cli.runWithInput(dir, input, "run", "-", "--dry-run");
        Cli.Result graph = Cli.runWithInput(dir, input, "graph", "-");

        assertThat(dryRun.exitCode()).as(dryRun.all()).isZero();
        assertThat(dryRun.stdout()).contains("Dry run: Restart the API", "(restart; nothing will be executed)");
        assertThat(graph.exitCode()).as(graph.all()).isZero();
        assertThat(graph.stdout()).contains("drain");
    }

    @Test
    void a_missing_path_is_not_called_all_valid() throws Exception {
        Cli.Result result = Cli.run(dir, "validate", "nosuch.md");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stderr()).contains("nosuch.md: error: no such file or folder", "1 not found").doesNotContain("all valid");
    }

    @Test
    void two_runbooks_with_one_id_are_an_error_naming_both_files() throws Exception {
        Files.createDirectories(dir.resolve("runbooks/old"));
        Files.writeString(dir.resolve("runbooks/restart.md"), RESTART);
        Files.writeString(dir.resolve("runbooks/old/restart.md"), RESTART.replace("title: Restart the API", "title: The old one"));

        Cli.Result result = Cli.run(dir, "validate", "runbooks");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stdout().lines().toList()).containsExactly("runbooks/restart.md:2:5: error: runbook id 'restart' is also the id of"
                + " runbooks/old/restart.md; runbooks read together need distinct ids: give one of them another id: in its front matter"
                + " (the id defaults to the file name)");
        assertThat(result.stderr()).contains("2 files checked: 1 invalid (1 error, 0 warnings)");
    }

    @Test
    void a_dry_run_shows_the_run_timeout_and_each_step_timeout_and_retries() throws Exception {
        Files.writeString(dir.resolve("restart.md"), RESTART);

        Cli.Result result = Cli.run(dir, "run", "restart.md", "--dry-run");

        assertThat(result.exitCode()).as(result.all()).isZero();
        assertThat(result.stdout()).contains("Run timeout: 20m", "1. drain (shell)  first; retries=2 backoff=1s timeout=30s");
    }

    @Test
    void a_dry_run_of_a_file_without_steps_says_it_has_none_and_that_bash_blocks_are_prose() throws Exception {
        Files.writeString(dir.resolve("notes.md"), "# Notes\n\n```bash\nsystemctl restart api\n```\n");

        Cli.Result result = Cli.run(dir, "run", "notes.md", "--dry-run");

        assertThat(result.exitCode()).as(result.all()).isZero();
        assertThat(result.stdout()).contains("No steps: nothing in it runs. Blocks fenced as `bash` or `sh` are prose")
                .doesNotContain("manual-only");
    }
}
