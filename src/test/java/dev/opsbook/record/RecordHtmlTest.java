package dev.opsbook.record;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsbook.engine.Fixtures;
import dev.opsbook.engine.Interaction;
import dev.opsbook.engine.RunControl;
import dev.opsbook.engine.RunListener;
import dev.opsbook.engine.RunResult;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordHtmlTest {

    @TempDir
    Path workDir;

    @Test
    void raw_html_in_prose_is_shown_as_text() {
        String html = RecordHtml.render("Hello <script>alert(1)</script> people.\n\n<div onclick=\"x()\">block</div>\n");

        assertThat(html).doesNotContain("<script").doesNotContain("<div")
                .contains("&lt;script&gt;alert(1)&lt;/script&gt;")
                .contains("&lt;div onclick=&quot;x()&quot;&gt;block&lt;/div&gt;");
    }

    @Test
    void an_image_with_an_error_handler_in_prose_is_text() {
        String html = RecordHtml.render("An <img src=x onerror=\"alert(1)\"> here.\n\n<img src=x onerror=alert(2)>\n");

        assertThat(html).doesNotContain("<img").contains("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;")
                .contains("&lt;img src=x onerror=alert(2)&gt;");
    }

    @Test
    void script_in_a_fenced_block_is_escaped() {
        String html = RecordHtml.render("```text\n<script>alert(1)</script>\n```\n");

        assertThat(html).doesNotContain("<script").contains("&lt;script&gt;");
    }

    @Test
    void the_records_own_folding_tags_stay_markup_but_nothing_beside_them() {
        String html = RecordHtml.render("<details><summary>Triggering event <img src=x onerror=alert(1)></summary>\n\n"
                + "```json\n{}\n```\n</details>\n");

        assertThat(html).contains("<details><summary>Triggering event &lt;img src=x onerror=alert(1)&gt;</summary>")
                .contains("</details>").doesNotContain("<img");
    }

    @Test
    void folding_tags_with_attributes_are_text() {
        String html = RecordHtml.render("<details open ontoggle=\"alert(1)\">x</details>\n");

        assertThat(html).doesNotContain("<details open").contains("&lt;details open ontoggle=");
    }

    @Test
    void javascript_and_data_links_are_dropped() {
        String html = RecordHtml.render("[click](javascript:alert(1)) [upper](JavaScript:alert(2)) [data](data:text/html,<script>x</script>)"
                + " and [ok](https://example.org/runbook)\n\n[ref]: javascript:alert(3)\n\nA [ref] link and <javascript:alert(4)>.\n");

        assertThat(html).doesNotContainIgnoringCase("href=\"javascript:").doesNotContain("href=\"data:").doesNotContain("<script")
                .contains("href=\"https://example.org/runbook\"");
    }

    @Test
    void tables_and_task_lists_render() {
        String html = RecordHtml.render("- [x] Tell the owner\n\n| a | b |\n| --- | --- |\n| 1 | 2 |\n");

        assertThat(html).contains("<table>").contains("type=\"checkbox\"");
    }

    @Test
    void markup_a_step_printed_or_put_in_its_outputs_is_text_in_the_record_of_a_real_run() throws Exception {
        RunResult result = Fixtures.run("record/hostile-output.md", Map.of(), Interaction.NOBODY, workDir, new RunControl(),
                RunListener.NONE);
        String markdown = MarkdownRecord.render(result);
        assertThat(markdown).as("the record carries the markup").contains("<script>alert(\"output\")</script>")
                .contains("onerror=alert(\"output-value\")");

        for (String html : new String[] {RecordHtml.render(markdown), RecordHtml.page("run", markdown)}) {
            assertThat(html).doesNotContain("<script").doesNotContain("<img").doesNotContainIgnoringCase("href=\"javascript:")
                    .contains("&lt;script&gt;alert(&quot;output&quot;)&lt;/script&gt;")
                    .contains("&lt;img src=x onerror=alert(&quot;output-img&quot;)&gt;")
                    .contains("&lt;img src=x onerror=alert(&quot;output-value&quot;)&gt;")
                    .contains("&lt;script&gt;alert('prose')&lt;/script&gt;")
                    .contains("<details><summary>");
        }
    }

    @Test
    void a_page_escapes_its_title_and_carries_no_script() {
        String page = RecordHtml.page("<script>alert(1)</script>", "# Title\n");

        assertThat(page).startsWith("<!DOCTYPE html>").contains("<title>&lt;script&gt;alert(1)&lt;/script&gt;</title>")
                .contains("<h1>Title</h1>").doesNotContain("<script");
    }
}
