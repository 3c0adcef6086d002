package dev.opsbook.graph;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsbook.runbook.Diagnostic;
import dev.opsbook.runbook.EscalationTier;
import dev.opsbook.steps.StandardSteps;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** escalation: NAME reads its tiers from escalation-paths/NAME.yaml beside the runbooks; what is wrong is said where. */
class EscalationPathsTest {

    private static final RunbookLoader LOADER = new RunbookLoader(StandardSteps.all().catalog());
    private static final String ONCALL = """
            description: Primary on-call, then the team lead
            tiers:
              - sns: arn:aws:sns:us-east-1:123456789012:oncall
              - after: 15m
                email: [lead@example.com]
            """;

    @TempDir
    Path dir;

    private Path write(String relative, String text) throws IOException {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text);
    }

    private static String runbook(String escalation) {
        return "---\nid: disk\nescalation: " + escalation + "\n---\n\n```shell\ntrue\n```\n";
    }

    private static List<String> errors(LoadedRunbook loaded) {
        return loaded.diagnostics().stream().map(Diagnostic::toString).toList();
    }

    @Test
    void a_runbook_naming_a_shared_path_is_loaded_with_its_tiers() throws IOException {
        write("escalation-paths/oncall.yaml", ONCALL);
        LoadedRunbook loaded = LOADER.load(write("disk.md", runbook("oncall")));

        assertThat(loaded.diagnostics()).isEmpty();
        assertThat(loaded.escalation()).hasValueSatisfying(e -> {
            assertThat(e.path()).contains("oncall");
            assertThat(e.tiers()).extracting(EscalationTier::after).containsExactly(Duration.ZERO, Duration.ofMinutes(15));
            assertThat(e.tiers().get(1).email()).containsExactly("lead@example.com");
            assertThat(e.sns()).as("tier 1, for today's callers").contains("arn:aws:sns:us-east-1:123456789012:oncall");
        });
    }

    @Test
    void a_runbook_in_a_folder_below_uses_the_nearest_folder_that_has_the_path() throws IOException {
        write("escalation-paths/oncall.yaml", ONCALL);
        write("library/escalation-paths/db.yaml", "tiers:\n  - email: dba@example.com\n");

        LoadedRunbook shared = LOADER.load(write("library/rds.md", runbook("oncall")));
        LoadedRunbook own = LOADER.load(write("library/rds-storage.md", runbook("db")));

        assertThat(shared.diagnostics()).isEmpty();
        assertThat(shared.escalation().orElseThrow().tiers()).hasSize(2);
        assertThat(own.escalation().orElseThrow().tiers()).singleElement()
                .satisfies(t -> assertThat(t.email()).containsExactly("dba@example.com"));
    }

    @Test
    void a_missing_path_names_the_folder_looked_in_and_the_paths_there() throws IOException {
        write("escalation-paths/oncall.yaml", ONCALL);
        write("escalation-paths/managers.yaml", "tiers: [ { email: boss@example.com } ]\n");

        LoadedRunbook loaded = LOADER.load(write("disk.md", runbook("oncal")));

        assertThat(errors(loaded)).containsExactly(dir.resolve("disk.md") + ":3:13: error: escalation path 'oncal' not found:"
                + " no escalation-paths/oncal.yaml in " + dir + " or a folder above it; did you mean 'oncall'?; "
                + dir.resolve("escalation-paths") + " has managers, oncall");
    }

    @Test
    void with_no_escalation_paths_folder_the_error_says_which_file_to_create() throws IOException {
        LoadedRunbook loaded = LOADER.load(write("disk.md", runbook("oncall")));

        assertThat(errors(loaded)).containsExactly(dir.resolve("disk.md") + ":3:13: error: escalation path 'oncall' not found: there is"
                + " no escalation-paths folder in " + dir + " or a folder above it; create " + dir.resolve("escalation-paths/oncall.yaml")
                + " with tiers:");
    }

    @Test
    void a_broken_path_file_is_reported_at_its_own_line_and_column_and_fails_the_runbook() throws IOException {
        Path path = write("escalation-paths/oncall.yaml", """
                tiers:
                  - sns: arn:aws:sns:us-east-1:123456789012:oncall
                  - after: 15 minutes
                    emial: lead@example.com
                """);
        Path file = write("disk.md", runbook("oncall"));

        LoadedRunbook loaded = LOADER.load(file);

        assertThat(errors(loaded)).containsExactly(
                file + ":3:13: error: escalation path 'oncall' (" + path + ") is not valid; fix the errors reported in that file",
                path + ":3:12: error: after of escalation path 'oncall' tier 2 must be a duration such as 30s, 15m or 1h30m,"
                        + " not '15 minutes'",
                path + ":4:5: error: 'emial' is not a channel of escalation path 'oncall' tier 2; did you mean 'email'?; a tier takes"
                        + " after: and the channels sns, webhook, pagerduty, email");
        assertThat(loaded.hasErrors()).isTrue();
    }

    @Test
    void a_path_file_that_is_not_yaml_or_has_no_tiers_says_so_at_its_place() throws IOException {
        Path path = write("escalation-paths/oncall.yaml", "tiers: [ { sns: x }\n");
        assertThat(errors(LOADER.load(write("disk.md", runbook("oncall"))))).anySatisfy(e -> assertThat(e)
                .startsWith(path + ":2:1: error: invalid YAML:"));

        Files.writeString(path, "descripton: the on-call\n");
        assertThat(errors(LOADER.load(dir.resolve("disk.md")))).contains(
                path + ":1:1: error: escalation path 'oncall' needs tiers:, a list of tiers each with after: and channels,"
                        + " e.g. tiers: [ { sns: arn:aws:sns:us-east-1:123456789012:oncall }, { after: 15m, email: lead@example.com } ]",
                path + ":1:1: error: unknown key 'descripton' in escalation path 'oncall'; did you mean 'description'?;"
                        + " it takes description, tiers");
    }

    @Test
    void text_sent_without_a_place_finds_paths_in_the_folders_the_loader_is_given() throws IOException {
        write("runbooks/escalation-paths/oncall.yaml", ONCALL);
        RunbookLoader served = LOADER.findingEscalationPathsIn(List.of(dir.resolve("runbooks")));

        LoadedRunbook loaded = served.load("runbook.md", runbook("oncall"));

        assertThat(loaded.diagnostics()).isEmpty();
        assertThat(loaded.escalation().orElseThrow().tiers()).hasSize(2);
        assertThat(LOADER.load("runbook.md", runbook("oncall")).hasErrors()).as("without the folders").isTrue();
    }
}
