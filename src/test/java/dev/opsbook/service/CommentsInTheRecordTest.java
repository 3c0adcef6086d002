package dev.opsbook.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsbook.record.RecordHtml;
import dev.opsbook.store.Comment;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The record's Comments section: whatever a comment says, it reads as typed and never changes how the record renders. */
class CommentsInTheRecordTest {

    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

    @Test
    void comments_are_listed_with_author_time_step_and_edit_and_their_text_is_shown_literally() {
        String text = "# not a heading\n1. not a list\n- nor this\n===\n**not bold** [a](http://x) ![i](y.png) <script>alert(1)</script>"
                + " `code` a|b ~~x~~ &amp; \\n";
        String markdown = RunComments.markdown(List.of(
                new Comment("1", "run-1", Optional.empty(), text, "otto (tok-1)", T0, Optional.empty()),
                new Comment("2", "run-1", Optional.of("scale[2]"), "slow item", "ana (tok-2)", T0.plusSeconds(60),
                        Optional.of(T0.plusSeconds(120)))));

        assertThat(markdown).startsWith("\n## Comments\n\n")
                .contains("- 2026-11-23 10:00:00 UTC, otto (tok-1) on the run:\n")
                .contains("- 2026-11-23 10:01:00 UTC, ana (tok-2) on step `scale[2]` (edited 2026-11-23 10:02:00 UTC):\n  > slow item\n");
        String html = RecordHtml.render(markdown);
        assertThat(html).doesNotContain("<h1", "<ol", "<ul>\n<li>nor", "<strong>", "<a ", "<img", "<script", "<code>code", "<del", "<table")
                .contains("# not a heading", "1. not a list", "- nor this", "**not bold**", "[a](http://x)", "&lt;script&gt;alert(1)&lt;/script&gt;",
                        "`code`", "a|b", "~~x~~", "&amp;amp;", "\\n");
    }

    @Test
    void a_run_without_comments_has_no_section() {
        assertThat(RunComments.markdown(List.of())).isEmpty();
    }
}
