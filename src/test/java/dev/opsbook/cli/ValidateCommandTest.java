package dev.opsbook.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code opsbook validate} in this JVM: what a folder of runbooks and shared escalation paths is reported as. */
class ValidateCommandTest {

    private static final String BROKEN_PATH = """
            tiers:
              - sns: arn:aws:sns:us-east-1:123456789012:oncall
              - after: 15 minutes
                emial: lead@example.com
            """;

    @TempDir
    Path dir;

    record Result(int exitCode, String stdout, String stderr) {
    }

    private static Result validate(String... args) {
        dev.opsbook.testing.InProcessCli.Result result = dev.opsbook.testing.InProcessCli.run(new ValidateCommand(), args);
        return new Result(result.exitCode(), result.stdout(), result.stderr());
    }

    private Path write(String relative, String text) throws IOException {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text);
    }

    private static String runbook(String id, String escalation) {
        return "---\nid: " + id + (escalation == null ? "" : "\nescalation: " + escalation) + "\n---\n\n```shell\ntrue\n```\n";
    }

    @Test
    void a_shared_escalation_path_no_runbook_names_is_still_checked_at_its_own_lines() throws IOException {
        write("runbooks/disk.md", runbook("disk", null));
        Path path = write("runbooks/escalation-paths/oncall.yaml", BROKEN_PATH);

        Result result = validate(dir.resolve("runbooks").toString());

        assertThat(result.exitCode()).as(result.stderr()).isEqualTo(ExitCodes.INVALID);
        assertThat(result.stdout().lines().toList()).containsExactly(
                path + ":3:12: error: after of escalation path 'oncall' tier 2 must be a duration such as 30s, 15m or 1h30m,"
                        + " not '15 minutes'",
                path + ":4:5: error: 'emial' is not a channel of escalation path 'oncall' tier 2; did you mean 'email'?; a tier takes"
                        + " after: and the channels sns, webhook, pagerduty, email");
        assertThat(result.stderr()).contains("2 files checked: 1 invalid (2 errors, 0 warnings)");

        Result named = validate(path.toString());
        assertThat(named.stdout()).as("the file named on its own is read as a path, not a runbook").isEqualTo(result.stdout());
        assertThat(named.stderr()).contains("1 file checked: 1 invalid (2 errors, 0 warnings)");
    }

    @Test
    void a_path_that_runbooks_name_is_reported_once_however_many_name_it() throws IOException {
        Path disk = write("runbooks/disk.md", runbook("disk", "oncall"));
        Path cpu = write("runbooks/library/cpu.md", runbook("cpu", "oncall"));
        Path path = write("runbooks/escalation-paths/oncall.yaml", BROKEN_PATH);

        Result result = validate(dir.resolve("runbooks").toString());

        assertThat(result.exitCode()).isEqualTo(ExitCodes.INVALID);
        String notValid = ":3:13: error: escalation path 'oncall' (" + path + ") is not valid; fix the errors reported in that file";
        assertThat(result.stdout().lines().toList()).containsExactlyInAnyOrder(
                disk + notValid,
                cpu + notValid,
                path + ":3:12: error: after of escalation path 'oncall' tier 2 must be a duration such as 30s, 15m or 1h30m,"
                        + " not '15 minutes'",
                path + ":4:5: error: 'emial' is not a channel of escalation path 'oncall' tier 2; did you mean 'email'?; a tier takes"
                        + " after: and the channels sns, webhook, pagerduty, email");
        assertThat(result.stderr()).contains("3 files checked: 3 invalid (4 errors, 0 warnings)");
    }

    @Test
    void a_folder_with_good_runbooks_and_paths_is_all_valid_and_counts_the_paths() throws IOException {
        write("runbooks/disk.md", runbook("disk", "oncall"));
        write("runbooks/escalation-paths/oncall.yaml", "tiers:\n  - sns: arn:aws:sns:us-east-1:123456789012:oncall\n");
        write("runbooks/escalation-paths/managers.yaml", "description: the managers\ntiers: [ { email: boss@example.com } ]\n");

        Result result = validate(dir.resolve("runbooks").toString());

        assertThat(result.exitCode()).as(result.stdout() + result.stderr()).isEqualTo(ExitCodes.OK);
        assertThat(result.stdout()).isEmpty();
        assertThat(result.stderr()).contains("3 files checked: all valid (0 errors, 0 warnings)");
    }
}
