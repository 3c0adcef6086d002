package dev.opsbook.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsbook.graph.LoadedRunbook;
import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.steps.StandardSteps;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunbookFoldersTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    private static String runbook(String id, String title) {
        return "---\nid: " + id + "\ntitle: " + title + "\n---\n\n```shell id=hello\necho hello\n```\n";
    }

    private RunbookFolders folders() {
        return new RunbookFolders(List.of(dir), new RunbookLoader(StandardSteps.all().catalog()),
                new PrintStream(log, true, StandardCharsets.UTF_8));
    }

    private String log() {
        return log.toString(StandardCharsets.UTF_8);
    }

    @Test
    void of_two_files_with_one_id_only_the_first_is_served_and_one_line_names_both() throws Exception {
        Files.writeString(dir.resolve("b-copy.md"), runbook("restart", "The copy"));
        Files.writeString(dir.resolve("a-restart.md"), runbook("restart", "The original"));
        Files.writeString(dir.resolve("other.md"), runbook("other", "Another"));
        RunbookFolders folders = folders();

        folders.scan(runbooks -> { });

        assertThat(folders.current()).extracting(l -> l.runbook().title()).containsExactlyInAnyOrder("The original", "Another");
        assertThat(log().lines().toList()).containsExactly("opsbook: " + dir.resolve("b-copy.md") + " is not served: its id 'restart'"
                + " is also the id of " + dir.resolve("a-restart.md") + ", which is; give one of them another id: in its front matter");

        Files.writeString(dir.resolve("other.md"), runbook("other", "Another, edited"));
        Files.setLastModifiedTime(dir.resolve("other.md"), java.nio.file.attribute.FileTime.fromMillis(1_000));
        folders.scan(runbooks -> { });
        assertThat(log()).contains("reloaded");
        assertThat(log().lines().filter(l -> l.contains("is not served"))).as("said once, not at every scan").hasSize(1);
    }

    @Test
    void the_file_served_first_keeps_its_id_when_a_file_that_sorts_before_it_takes_the_same_id() throws Exception {
        Files.writeString(dir.resolve("m-restart.md"), runbook("restart", "The original"));
        RunbookFolders folders = folders();
        folders.scan(runbooks -> { });

        Files.writeString(dir.resolve("a-copy.md"), runbook("restart", "The copy"));
        folders.scan(runbooks -> { });

        assertThat(folders.current()).extracting(l -> l.runbook().title()).containsExactly("The original");
        assertThat(log()).contains(dir.resolve("a-copy.md") + " is not served");

        Files.delete(dir.resolve("m-restart.md"));
        folders.scan(runbooks -> { });
        assertThat(folders.current()).extracting((LoadedRunbook l) -> l.runbook().title()).containsExactly("The copy");
    }

    @Test
    void a_changed_shared_escalation_path_is_in_force_at_the_next_scan_and_a_broken_one_keeps_the_last_good_runbook() throws Exception {
        Path path = dir.resolve("escalation-paths/oncall.yaml");
        Files.createDirectories(path.getParent());
        Files.writeString(path, "tiers:\n  - email: first@example.com\n");
        Files.createDirectories(dir.resolve("library"));
        Files.writeString(dir.resolve("library/disk.md"), "---\nid: disk\nescalation: oncall\n---\n\n```shell id=hello\necho hello\n```\n");
        RunbookFolders folders = folders();
        folders.scan(runbooks -> { });
        assertThat(folders.current()).singleElement().satisfies(l ->
                assertThat(l.escalation().orElseThrow().tiers().get(0).email()).containsExactly("first@example.com"));

        Files.writeString(path, "tiers:\n  - email: second@example.com\n  - { after: 10m, email: lead@example.com }\n");
        Files.setLastModifiedTime(path, java.nio.file.attribute.FileTime.fromMillis(1_000));
        assertThat(folders.scan(runbooks -> { })).isTrue();
        assertThat(folders.current()).singleElement().satisfies(l -> {
            assertThat(l.escalation().orElseThrow().tiers()).hasSize(2);
            assertThat(l.escalation().orElseThrow().tiers().get(0).email()).containsExactly("second@example.com");
        });
        assertThat(log()).contains("opsbook: escalation paths changed; reading the runbooks again");

        Files.writeString(path, "tiers:\n  - after: later\n    email: third@example.com\n");
        Files.setLastModifiedTime(path, java.nio.file.attribute.FileTime.fromMillis(2_000));
        folders.scan(runbooks -> { });
        assertThat(log()).contains(path + ":2:12: error: after of escalation path 'oncall' tier 1 must be a duration",
                dir.resolve("library/disk.md") + " is not valid; keeping its last good version");
        assertThat(folders.current()).singleElement().satisfies(l ->
                assertThat(l.escalation().orElseThrow().tiers().get(0).email()).containsExactly("second@example.com"));
    }
}
