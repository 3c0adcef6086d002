package dev.opsbook.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as a user meets it, against the packaged application. */
class CliIT {

    @TempDir
    Path dir;

    @Test
    void help_lists_the_commands_and_exits_zero() throws Exception {
        Cli.Result result = Cli.run(dir, "--help");

        assertThat(result.exitCode()).isZero();
        assertThat(result.stdout()).contains("run", "validate", "graph", "Exit status");
        assertThat(result.stderr()).isEmpty();
    }

    @Test
    void validate_reports_every_problem_with_file_line_and_column_and_exits_two() throws Exception {
        Path broken = dir.resolve("broken.md");
        Files.writeString(broken, """
                ---
                title: Broken
                parameters:
                  region: { type: string, pattern: '^[a-z]+-[0-9]$', default: US }
                ---

                ```shell id=first needs=nowhere
                echo {{ params.regoin }}
                ```

                ```shel id=second
                echo typo in the kind
                ```
                """);

        Cli.Result result = Cli.run(dir, "validate", "broken.md");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stdout().lines().toList()).containsExactly(
                "broken.md:4:63: error: default of parameter 'region' is invalid: 'US' does not match pattern '^[a-z]+-[0-9]$'",
                "broken.md:7:19: error: step 'first' needs 'nowhere', which is not a step",
                "broken.md:8:9: error: script: params.regoin is not a declared parameter; did you mean 'region'?; declare it under parameters: in the front matter",
                "broken.md:11:4: error: unknown step kind 'shel'; did you mean 'shell'?; step kinds are approve, assert, aws, http, manual, notify, python, runbook, shell, wait");
        assertThat(result.stderr()).contains("1 file checked: 1 invalid (4 errors, 0 warnings)");
    }

    @Test
    void the_shipped_runbooks_and_playbooks_are_valid() throws Exception {
        Cli.Result result = Cli.run(Cli.PROJECT, "validate", "runbooks", "playbooks");

        assertThat(result.exitCode()).as(result.all()).isZero();
        assertThat(result.stderr()).contains("all valid");
    }

    @Test
    void a_run_shows_progress_and_writes_its_record() throws Exception {
        Cli.Result result = Cli.run(dir, "run", Cli.project("runbooks/hello.md"), "--param", "name=Ada", "--yes", "--record-dir", "out");

        assertThat(result.exitCode()).as(result.all()).isZero();
        assertThat(result.stdout()).contains("✅ greet succeeded", "✅ run succeeded", "Record: out/hello/");
        Path record = onlyRecord(dir.resolve("out/hello"));
        assertThat(Files.readString(record)).contains("status: succeeded", "name: Ada", "Hello, Ada!");
    }

    @Test
    void a_failed_run_exits_one_and_its_record_shows_the_rollback() throws Exception {
        Cli.Result result = Cli.run(dir, "run", Cli.project("src/test/resources/runbooks/engine/rollback.md"),
                "-p", "failAt=migrate", "--record-dir", "out");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.stdout()).contains("❌ migrate failed", "remove-copy (rollback for copy)", "❌ run failed");
        assertThat(Files.readString(onlyRecord(dir.resolve("out/rollback")))).contains("as rollback for `copy`");
    }

    @Test
    void a_wrong_parameter_exits_two_before_anything_runs() throws Exception {
        Cli.Result result = Cli.run(dir, "run", Cli.project("src/test/resources/runbooks/engine/rollback.md"),
                "-p", "failAt=later", "-p", "colour=blue", "--record-dir", "out");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stderr()).contains(
                "parameter 'colour' is not declared by rollback; it takes failAt",
                "parameter 'failAt': 'later' is not one of: none, migrate, switch (declared at ");
        assertThat(dir.resolve("out")).doesNotExist();
    }

    @Test
    void json_output_is_one_document_for_machines() throws Exception {
        Cli.Result result = Cli.run(dir, "run", Cli.project("src/test/resources/runbooks/engine/conditions.md"),
                "--output", "json", "--record-dir", "out");

        assertThat(result.exitCode()).isZero();
        JsonNode json = new ObjectMapper().readTree(result.stdout());
        assertThat(json.path("status").asText()).isEqualTo("succeeded");
        assertThat(json.path("steps").findValuesAsText("id")).contains("probe", "only-prod", "may-fail", "check");
        assertThat(json.path("record").asText()).startsWith("out/conditions/");
    }

    @Test
    void a_dry_run_prints_every_rendered_input_and_runs_nothing() throws Exception {
        Cli.Result result = Cli.run(dir, "run", Cli.project("src/test/resources/runbooks/engine/secrets.md"),
                "--dry-run", "-p", "token=hunter22", "--record-dir", "out");

        assertThat(result.exitCode()).isZero();
        assertThat(result.stdout()).contains("Dry run", "use-token (shell)", "echo \"again ********\" >&2", "\"Authorization\" : \"Bearer ********\"");
        assertThat(result.all()).doesNotContain("hunter22");
        assertThat(dir.resolve("out")).doesNotExist();
    }

    @Test
    void graph_prints_a_mermaid_flowchart() throws Exception {
        Cli.Result result = Cli.run(dir, "graph", Cli.project("src/test/resources/runbooks/engine/parallel.md"), "--mermaid");

        assertThat(result.exitCode()).isZero();
        assertThat(result.stdout()).startsWith("```mermaid\nflowchart TD\n").contains("s_start --> s_left", "s_start --> s_right", "s_left --> s_join", "s_right --> s_join");
    }

    @Test
    void without_a_terminal_a_manual_step_leaves_the_run_waiting_with_advice() throws Exception {
        Cli.Result result = Cli.run(dir, "run", Cli.project("src/test/resources/runbooks/engine/people.md"), "--record-dir", "out");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.stdout()).contains("waiting", "--yes");
        assertThat(Files.readString(onlyRecord(dir.resolve("out/people")))).contains("status: waiting");
    }

    @Test
    void ctrl_c_cancels_the_run_stops_its_step_and_the_record_says_cancelled() throws Exception {
        Process process = atATerminal(Cli.builder(dir, "run", Cli.project("src/test/resources/runbooks/engine/cancel.md"), "--record-dir", "out"))
                .redirectErrorStream(true).start();
        BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = output.readLine()) != null && !line.contains("▶ long")) {
            // read up to the step starting
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!Files.exists(dir.resolve("started")) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor();
        StringBuilder rest = new StringBuilder();
        while ((line = output.readLine()) != null) {
            rest.append(line).append('\n');
        }
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();

        assertThat(process.exitValue()).isEqualTo(1);
        assertThat(rest.toString()).contains("cancelling: interrupted (Ctrl-C)", "⏹️ long cancelled", "run cancelled");
        assertThat(dir.resolve("finished")).doesNotExist();
        assertThat(Files.readString(onlyRecord(dir.resolve("out/cancel")))).contains("status: cancelled", "**Not run** · `after`");
    }

    /**
     * The command started as a terminal starts a foreground one, with SIGINT at its default. //why: a suite started in the
     * background of a non-interactive shell ignores SIGINT, every child inherits that, and a JVM that starts with SIGINT
     * ignored never hears Ctrl-C; coreutils' env resets it.
     */
    private static ProcessBuilder atATerminal(ProcessBuilder builder) throws IOException {
        Path status = Path.of("/proc/self/status");
        boolean ignored = Files.exists(status) && Files.readAllLines(status).stream().filter(l -> l.startsWith("SigIgn:"))
                .anyMatch(l -> (Long.parseLong(l.substring("SigIgn:".length()).strip(), 16) & (1L << (2 - 1))) != 0);
        if (ignored) {
            builder.command().addAll(0, List.of("env", "--default-signal=INT"));
        }
        return builder;
    }

    private static Path onlyRecord(Path folder) throws Exception {
        try (Stream<Path> files = Files.list(folder)) {
            List<Path> records = files.filter(p -> p.toString().endsWith(".md")).toList();
            assertThat(records).hasSize(1);
            return records.get(0);
        }
    }
}
