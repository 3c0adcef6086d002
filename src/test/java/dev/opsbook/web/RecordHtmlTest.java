package dev.opsbook.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RecordHtmlTest {

    @Test
    void raw_html_in_prose_is_shown_as_text() {
        String html = RecordHtml.render("Hello <script>alert(1)</script> people.\n\n<div onclick=\"x()\">block</div>\n");

        assertThat(html).doesNotContain("<script").doesNotContain("<div")
                .contains("&lt;script&gt;alert(1)&lt;/script&gt;")
                .contains("&lt;div onclick=&quot;x()&quot;&gt;block&lt;/div&gt;");
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
    void javascript_links_are_dropped() {
        String html = RecordHtml.render("[click](javascript:alert(1)) and [ok](https://example.org/runbook)\n");

        assertThat(html).doesNotContain("javascript:").contains("href=\"https://example.org/runbook\"");
    }

    @Test
    void tables_and_task_lists_render() {
        String html = RecordHtml.render("- [x] Tell the owner\n\n| a | b |\n| --- | --- |\n| 1 | 2 |\n");

        assertThat(html).contains("<table>").contains("type=\"checkbox\"");
    }
}
