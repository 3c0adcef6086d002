package dev.opsbook.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** serve's check before it listens: a runbook that loads, or a refusal saying why (or, with --allow-empty, a warning). */
class RunbooksToServeTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private boolean check(boolean allowEmpty, Path... folders) {
        return RunbooksToServe.check(List.of(folders), allowEmpty, Runbooks.loader(), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String said() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void a_folder_with_a_runbook_that_loads_starts_without_a_word() throws Exception {
        Files.writeString(Files.createDirectories(dir.resolve("runbooks/team")).resolve("hello.md"), "# Hello\n\n```shell id=hi\necho hi\n```\n");
        Files.writeString(dir.resolve("runbooks/broken.md"), "---\ntitle: [\n---\n");

        assertThat(check(false, dir.resolve("runbooks"))).isTrue();
        assertThat(said()).isEmpty();
    }

    @Test
    void files_that_do_not_load_are_refused_after_what_is_wrong_with_them() throws Exception {
        Path runbooks = Files.createDirectories(dir.resolve("runbooks"));
        Files.writeString(runbooks.resolve("broken.md"), "# Broken\n\n```shell id=a needs=nowhere\necho a\n```\n");

        assertThat(check(false, runbooks)).isFalse();

        List<String> lines = said().lines().toList();
        assertThat(lines.get(0)).startsWith(runbooks.resolve("broken.md") + ":").contains("nowhere");
        assertThat(lines.get(lines.size() - 1)).isEqualTo("error: no runbook to serve: none of the 1 *.md file in " + runbooks
                + " loads (see above); give the folders with --runbooks DIR (or OPSBOOK_RUNBOOKS=DIR,DIR) or fix the files, or start with none"
                + " with --allow-empty");
    }

    @Test
    void with_allow_empty_it_starts_and_says_loudly_that_it_serves_nothing() {
        assertThat(check(true, dir.resolve("runbooks"))).isTrue();
        assertThat(said().strip()).isEqualTo("warning: serving NO runbook (--allow-empty): no *.md file in " + dir.resolve("runbooks")
                + " (no such folder); events start nothing until a runbook that loads is added there");
    }
}
