package dev.opsbook.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A command that reads runs, run in a folder with no store, says so in one line and leaves no empty store behind. */
class NoStoreIT {

    @TempDir
    Path dir;

    @Test
    void show_runs_approve_and_import_in_a_folder_with_no_store_say_so_and_create_none() throws Exception {
        Files.writeString(dir.resolve("x.audit.jsonl"), "");
        String[][] commands = {
                {"show", "20261202-100000-0a1b2c3d4e5f"},
                {"runs"},
                {"approve", "20261202-100000-0a1b2c3d4e5f", "ok"},
                {"resolve", "20261202-100000-0a1b2c3d4e5f", "ok", "--retry"},
                {"resume", "20261202-100000-0a1b2c3d4e5f"},
                {"audit", "import", "x.audit.jsonl"}};
        for (String[] command : commands) {
            Cli.Result result = Cli.run(dir, command);
            assertThat(result.exitCode()).as(String.join(" ", command) + ": " + result.all()).isEqualTo(2);
            assertThat(result.stderr().strip()).as(String.join(" ", command)).startsWith("error: no store: ")
                    .contains("does not exist here; name one with --store").doesNotContain("\n").doesNotContain("Exception");
            assertThat(dir.resolve(".opsbook")).as(String.join(" ", command) + " creates no store").doesNotExist();
        }
    }
}
