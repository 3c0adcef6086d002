package dev.opsbook.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code opsbook run} with the default store, through the packaged CLI: a store that exists is opened while the runbook
 * is read, the record is written while the run goes on; a run refused for its runbook leaves the store as it found it
 * (or makes none), and every finished run's record says how it ended.
 */
class RunWithStoreIT {

    private static final String HELLO = "---\ntitle: Hello\n---\n\n# Hello\n\n```shell id=hi\necho hi\n```\n\n"
            + "```shell id=again\necho again\n```\n\n- [ ] Tell someone\n";
    private static final String BAD = "---\ntitle: Bad\n---\n\n# Bad\n\n```shell id=a\necho {{ steps.nope.x }}\n```\n";

    @TempDir
    Path dir;

    @Test
    void a_run_refused_for_its_runbook_leaves_the_existing_store_closed_and_the_next_run_is_stored_as_before() throws Exception {
        Files.writeString(dir.resolve("hello.md"), HELLO);
        Files.writeString(dir.resolve("bad.md"), BAD);
        Cli.Result first = Cli.run(dir, "run", "hello.md", "--yes");
        assertThat(first.exitCode()).as(first.all()).isZero();

        Cli.Result refused = Cli.run(dir, "run", "bad.md", "--yes");

        assertThat(refused.exitCode()).as(refused.all()).isEqualTo(2);
        assertThat(refused.stderr()).contains("steps.nope is not a step").doesNotContain("Exception");
        assertThat(dir.resolve(".opsbook/store.lock.db")).as("the store is closed again").doesNotExist();
        Cli.Result second = Cli.run(dir, "run", "hello.md", "--yes");
        assertThat(second.exitCode()).as(second.all()).isZero();
        assertThat(Cli.run(dir, "runs").stdout().lines().filter(line -> line.contains(" hello ")).count()).isEqualTo(2);
        List<Path> records;
        try (Stream<Path> files = Files.list(dir.resolve("records/hello"))) {
            records = files.filter(p -> p.toString().endsWith(".md")).toList();
        }
        assertThat(records).hasSize(2).allSatisfy(record -> assertThat(Files.readString(record))
                .contains("status: succeeded").contains("endedAt:").contains("echo again"));
    }

    @Test
    void a_run_refused_for_its_runbook_where_no_store_exists_makes_none() throws Exception {
        Files.writeString(dir.resolve("bad.md"), BAD);

        Cli.Result refused = Cli.run(dir, "run", "bad.md", "--yes");

        assertThat(refused.exitCode()).as(refused.all()).isEqualTo(2);
        assertThat(dir.resolve(".opsbook")).doesNotExist();
        assertThat(dir.resolve("records")).doesNotExist();
    }
}
