package dev.opsbook.steps;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.runbook.Diagnostic;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What validate says of python steps: templates in the code, syntax errors at their runbook line, an interpreter that is missing. */
class PythonValidationTest {

    private static final String BROKEN = """
            # Broken

            ```python id=templated
            print({{ params.host }})
            ```

            - In a list:

              ```python id=syntax
              x = 1
              def f(:
                  pass
              ```
            """;

    private static List<String> diagnostics(String python, String text) {
        return new RunbookLoader(StandardSteps.all().catalog(), List.of(new PythonCheck(python))).load("py.md", text)
                .diagnostics().stream().map(Diagnostic::toString).toList();
    }

    @Test
    void a_template_in_python_code_and_a_syntax_error_are_errors_at_their_lines_in_the_runbook() {
        assertThat(diagnostics("python3", BROKEN)).containsExactly(
                "py.md:4:7: error: python step takes no {{ }} templates: the run's context is given to it as variables (params, steps,"
                        + " event, run, item, index); write params[\"host\"] instead of {{ params.host }}",
                "py.md:11:9: error: python syntax error: invalid syntax");
    }

    @Test
    void a_template_of_item_or_a_nested_item_field_names_the_variable_to_read() {
        String text = """
                # Each

                ```python id=each foreach="['a']"
                print({{ item }}, {{ index }}, {{ item.meta.port }})
                ```
                """;
        assertThat(diagnostics("python3", text)).extracting(d -> d.substring(d.indexOf("; write ") + 2)).containsExactly(
                "write item instead of {{ item }}",
                "write index instead of {{ index }}",
                "write item[\"meta\"][\"port\"] instead of {{ item.meta.port }}");
    }

    @Test
    void doubled_braces_that_read_nothing_of_the_run_are_python_not_templates() {
        assertThat(diagnostics("python3", "```python id=a\nname = 'x'\nprint(f\"{{literal}} {name}\", \"{{ .Name }}\")\n```\n")).isEmpty();
    }

    @Test
    void an_interpreter_that_cannot_be_run_is_one_error_at_the_first_python_step(@TempDir Path dir) {
        String missing = dir.resolve("python3").toString();

        assertThat(diagnostics(missing, BROKEN)).contains("py.md:3:1: error: python steps need Python 3, but '" + missing
                + "' cannot be run (No such file or directory); install Python 3 or set opsbook.python (OPSBOOK_PYTHON) to its path");
    }

    @Test
    void a_runbook_without_python_steps_never_asks_for_the_interpreter(@TempDir Path dir) {
        String missing = dir.resolve("python3").toString();

        assertThat(diagnostics(missing, "```shell id=a\necho hi\n```\n")).isEmpty();
    }

    @Test
    void a_program_that_is_not_python_3_is_reported_as_such() {
        assertThat(diagnostics("true", "```python id=a\nprint(1)\n```\n")).containsExactly(
                "py.md:1:1: error: python steps need Python 3, but 'true' is not it; install Python 3 or set opsbook.python"
                        + " (OPSBOOK_PYTHON) to its path");
    }

    @Test
    void valid_python_is_valid() {
        assertThat(diagnostics("python3", "```python id=a\nimport json\nprint(json.dumps({\"a\": {\"b\": 1}}))\n```\n")).isEmpty();
    }
}
