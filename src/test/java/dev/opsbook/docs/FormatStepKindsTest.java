package dev.opsbook.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsbook.runbook.StepKindCatalog;
import dev.opsbook.steps.StandardSteps;
import java.nio.file.Files;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/FORMAT.md describes the step kinds this build runs, and calls reserved only those it does not. */
class FormatStepKindsTest {

    private final StepKindCatalog catalog = StandardSteps.all().catalog();

    @Test
    void every_kind_the_build_runs_has_its_section_and_a_row_in_the_table_of_kinds() throws Exception {
        String doc = Files.readString(DocsSupport.projectRoot().resolve("docs/FORMAT.md"));

        for (String kind : catalog.names()) {
            if (catalog.find(kind).orElseThrow().available()) {
                assertThat(doc).as("a section for " + kind).contains("\n### `" + kind + "`\n");
                assertThat(doc).as("a row for " + kind + " in the table of kinds").contains("| [`" + kind + "`](#" + kind + ") |");
            }
        }
    }

    @Test
    void the_reserved_kinds_are_exactly_the_kinds_the_build_does_not_run() throws Exception {
        String doc = Files.readString(DocsSupport.projectRoot().resolve("docs/FORMAT.md"));
        int start = doc.indexOf("\n### Reserved kinds\n");
        if (start < 0) {
            assertThat(catalog.names()).as("no section of reserved kinds: every kind runs")
                    .allMatch(kind -> catalog.find(kind).orElseThrow().available());
            return;
        }
        String section = doc.substring(start, doc.indexOf("\n## ", start));
        String firstSentence = section.substring(section.indexOf("\n\n") + 2, section.indexOf(". "));
        Set<String> named = new LinkedHashSet<>();
        Matcher matcher = Pattern.compile("`([a-z]+)`").matcher(firstSentence);
        while (matcher.find()) {
            named.add(matcher.group(1));
        }
        Set<String> unavailable = new LinkedHashSet<>();
        for (String kind : catalog.names()) {
            if (!catalog.find(kind).orElseThrow().available()) {
                unavailable.add(kind);
            }
        }

        assertThat(named).containsExactlyInAnyOrderElementsOf(unavailable);
    }
}
