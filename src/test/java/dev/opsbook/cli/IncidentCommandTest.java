package dev.opsbook.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsbook.store.JdbcRunStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code opsbook run --incident}, {@code opsbook runs --incident} and {@code opsbook incident list|report}, in process, on one store. */
class IncidentCommandTest {

    @TempDir
    Path dir;

    private String url;
    private PrintStream stdout;
    private PrintStream stderr;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void start() {
        url = JdbcRunStore.embeddedUrl(dir.resolve("store"));
        stdout = System.out;
        stderr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void stop() {
        System.setOut(stdout);
        System.setErr(stderr);
    }

    private int run(Callable<Integer> command, String... args) {
        out.reset();
        err.reset();
        return new CommandLine(command).execute(args);
    }

    private String said() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void two_runs_launched_under_one_incident_id_are_listed_by_it_and_reported_in_a_draft_written_to_a_file() throws Exception {
        for (String name : new String[] {"Ada", "Grace"}) {
            assertThat(run(new RunCommand(), "runbooks/hello.md", "-p", "name=" + name, "--yes", "--incident", "INC-42", "--store", url,
                    "--record-dir", dir.resolve("records").toString())).as(said()).isZero();
        }
        assertThat(run(new RunCommand(), "runbooks/hello.md", "-p", "name=Alan", "--yes", "--store", url,
                "--record-dir", dir.resolve("records").toString())).as(said()).isZero();

        assertThat(run(new RunsCommand(), "--incident", "INC-42", "--store", url)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains("[INC-42]"))).hasSize(2);
        assertThat(run(new IncidentCommand.Listing(), "--store", url)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("INC-42", "tagged");

        Path draft = dir.resolve("INC-42.md");
        assertThat(run(new IncidentReportCommand(), "INC-42", "--out", draft.toString(), "--store", url)).as(said()).isZero();
        assertThat(Files.readString(draft)).contains("# Incident INC-42", "## Summary", "- Runs: 2 of hello", "## What fired",
                "## What ran", "](/runs/", "## Who was told and who acted", "## What failed\n\nNothing failed.",
                "## What was rolled back\n\nNothing was rolled back.", "## Open questions", "## Timeline", "run succeeded");
    }

    @Test
    void an_unknown_incident_or_a_bad_id_is_one_line_and_exit_2() {
        assertThat(run(new RunCommand(), "runbooks/hello.md", "-p", "name=Ada", "--yes", "--incident", "INC 42", "--store", url)).isEqualTo(2);
        assertThat(said()).startsWith("error: --incident: an incident id is letters, digits and - _ . :");
        assertThat(said().lines()).hasSize(1);
        assertThat(dir.resolve("store/store.mv.db")).as("nothing ran, nothing stored").doesNotExist();

        assertThat(run(new IncidentReportCommand(), "INC-404", "--store", url)).isEqualTo(2);
        assertThat(said()).startsWith("error: no incident INC-404 in ").endsWith("opsbook incident list shows the recent ones\n");
        assertThat(said().lines()).hasSize(1);
    }
}
