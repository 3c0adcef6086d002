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
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** serve checks the runbook steps of its runbooks against their children when it loads them, and again when either changes. */
class ServedChildChecksTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private long mtime = 1_000_000;

    private RunbookFolders folders() {
        return new RunbookFolders(List.of(dir), new RunbookLoader(StandardSteps.all().catalog()),
                new PrintStream(log, true, StandardCharsets.UTF_8));
    }

    private String log() {
        return log.toString(StandardCharsets.UTF_8);
    }

    private void write(String file, String text) throws Exception {
        Files.writeString(dir.resolve(file), text);
        Files.setLastModifiedTime(dir.resolve(file), FileTime.fromMillis(mtime += 1000));
    }

    private static String child(String parameters) {
        return "---\nid: drain\ntitle: Drain\nparameters:\n" + parameters + "---\n\n```shell id=drain\necho draining\n```\n";
    }

    private static String parent(String step) {
        return "---\nid: recover\ntitle: Recover\n---\n\n```runbook id=call\n" + step + "```\n";
    }

    private static List<String> ids(RunbookFolders folders) {
        return folders.current().stream().map((LoadedRunbook l) -> l.runbook().id()).toList();
    }

    @Test
    void a_parent_whose_step_gives_a_parameter_its_child_does_not_declare_is_reported_where_and_not_served() throws Exception {
        write("drain.md", child("  node: { required: true }\n"));
        write("recover.md", parent("runbook: drain\nparameters: {node: a, nodes: b}\n"));
        RunbookFolders folders = folders();

        folders.scan(runbooks -> { });

        assertThat(ids(folders)).containsExactly("drain");
        assertThat(log()).contains(dir.resolve("recover.md") + ":8:30:")
                .contains("gives parameter 'nodes', which runbook drain does not declare")
                .contains("opsbook: " + dir.resolve("recover.md") + " is not valid with the runbooks it runs; it is not loaded");
    }

    @Test
    void an_unknown_child_and_a_missing_required_parameter_are_reported_and_the_parent_not_launchable() throws Exception {
        write("drain.md", child("  node: { required: true }\n"));
        write("recover.md", parent("runbook: drian\n"));
        write("other.md", parent("runbook: drain\n").replace("id: recover", "id: other"));
        RunbookFolders folders = folders();

        folders.scan(runbooks -> { });

        assertThat(ids(folders)).containsExactly("drain");
        assertThat(folders.catalog().byId("recover")).isEmpty();
        assertThat(log()).contains(dir.resolve("recover.md") + ":7:10: error: runbook step 'call' runs runbook 'drian'")
                .contains("did you mean 'drain'")
                .contains(dir.resolve("other.md") + ":7:10:").contains("does not give parameter 'node', which runbook drain requires");
    }

    @Test
    void a_cycle_leaves_out_both_runbooks_and_the_ones_that_run_them() throws Exception {
        write("a.md", parent("runbook: b\n").replace("id: recover", "id: a"));
        write("b.md", parent("runbook: a\n").replace("id: recover", "id: b"));
        write("top.md", parent("runbook: a\n").replace("id: recover", "id: top"));
        write("plain.md", child("  node: {}\n"));
        RunbookFolders folders = folders();

        folders.scan(runbooks -> { });

        assertThat(ids(folders)).containsExactly("drain");
        assertThat(log()).contains("makes a cycle: a runs b runs a").contains(dir.resolve("top.md") + " is not valid");
    }

    @Test
    void a_child_changed_later_takes_its_parent_out_and_fixed_again_brings_it_back_said_once_each() throws Exception {
        write("drain.md", child("  node: {}\n"));
        write("recover.md", parent("runbook: drain\nparameters: {node: a}\n"));
        RunbookFolders folders = folders();
        folders.scan(runbooks -> { });
        assertThat(ids(folders)).containsExactlyInAnyOrder("drain", "recover");
        assertThat(log()).doesNotContain("not valid");

        write("drain.md", child("  host: {}\n"));
        folders.scan(runbooks -> { });
        assertThat(ids(folders)).containsExactly("drain");
        assertThat(log()).contains("gives parameter 'node', which runbook drain does not declare; it takes host");

        write("other.md", child("  x: {}\n").replace("id: drain", "id: other"));
        folders.scan(runbooks -> { });
        assertThat(log().lines().filter(l -> l.contains("is not valid with"))).as("said once, not at every scan").hasSize(1);

        write("drain.md", child("  node: {}\n"));
        folders.scan(runbooks -> { });
        assertThat(ids(folders)).containsExactlyInAnyOrder("drain", "recover", "other");
        assertThat(log()).contains("opsbook: " + dir.resolve("recover.md") + " fits the runbooks it runs again; it is served");
        assertThat(folders.catalog().byId("recover")).isPresent();
    }

    @Test
    void a_child_named_by_path_is_read_as_it_is_now_not_as_it_was_first() throws Exception {
        write("drain.md", child("  node: {}\n"));
        write("recover.md", parent("path: ./drain.md\nparameters: {node: a}\n"));
        RunbookFolders folders = folders();
        folders.scan(runbooks -> { });
        assertThat(folders.catalog().byPath(dir.resolve("recover.md").toString(), "./drain.md")).get()
                .extracting(l -> l.runbook().parameter("node").isPresent()).isEqualTo(true);

        write("drain.md", child("  host: {}\n"));
        folders.scan(runbooks -> { });

        assertThat(ids(folders)).containsExactly("drain");
        assertThat(folders.catalog().byPath(dir.resolve("recover.md").toString(), "./drain.md")).get()
                .extracting(l -> l.runbook().parameter("host").isPresent()).isEqualTo(true);
    }
}
