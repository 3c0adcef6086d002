package dev.opsbook.record;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsbook.engine.Engine;
import dev.opsbook.engine.Interaction;
import dev.opsbook.engine.RunListener;
import dev.opsbook.engine.RunRequest;
import dev.opsbook.engine.RunResult;
import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.steps.StandardSteps;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MarkdownRecordTest {

    private static final RunbookLoader LOADER = new RunbookLoader(StandardSteps.all().catalog());

    @TempDir
    Path workDir;

    private RunResult run(String file, String text) throws Exception {
        RunRequest request = new RunRequest(LOADER.load(file, text), Map.of(), "oncall", "cli",
                prompt -> new Interaction.Answer(true, "alice", "", Instant.now(), "terminal"), Optional.empty(), workDir);
        return new Engine(StandardSteps.all()).run(request, RunListener.NONE);
    }

    @Test
    void the_record_of_a_file_without_steps_says_it_has_none_and_that_bash_blocks_are_prose() throws Exception {
        String record = MarkdownRecord.render(run("notes.md", "# Notes\n\n```bash\nsystemctl restart api\n```\n"));

        assertThat(record).doesNotContain("manual-only")
                .contains("No steps: nothing in it runs. Blocks fenced as `bash` or `sh` are prose;"
                        + " a block fenced as `shell` (or another step kind) or a `- [ ]` checklist item is a step.");
    }

    @Test
    void the_record_of_a_crlf_runbook_ends_every_line_in_crlf_ticked_checklist_items_and_outcomes_included() throws Exception {
        String text = "---\r\ntitle: Restart\r\n---\r\n\r\n# Restart\r\n\r\n- [ ] Tell the owner\r\n- [ ] Check the dashboard\r\n\r\n"
                + "```shell id=restart\r\necho restarted\r\n```\r\n\r\nDone.\r\n";

        String record = MarkdownRecord.render(run("restart.md", text));

        assertThat(record).contains("- [x] Tell the owner *(").contains("restarted");
        assertThat(record.replace("\r\n", "")).as("no line of the record ends in a bare LF").doesNotContain("\n");
    }

    @Test
    void the_record_of_an_lf_runbook_has_no_cr() throws Exception {
        String record = MarkdownRecord.render(run("restart.md", "# Restart\n\n- [ ] Tell the owner\n\n```shell id=restart\necho restarted\n```\n"));

        assertThat(record).contains("- [x] Tell the owner *(").doesNotContain("\r");
    }

    @Test
    void the_audit_section_of_a_record_written_as_the_run_starts_says_one_entry() throws Exception {
        RunResult result = run("restart.md", "# Restart\n\n```shell id=restart\necho restarted\n```\n");
        String record = MarkdownRecord.render(result, Optional.of(new dev.opsbook.audit.AuditSummary(
                workDir.resolve("r.audit.jsonl"), 1, "0".repeat(64))));

        assertThat(record).contains("1 entry in `r.audit.jsonl`").doesNotContain("1 entries");
    }
}
