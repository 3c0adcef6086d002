package dev.opsbook.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsbook.record.MarkdownRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Templates in shell scripts: each value reaches the script as one variable, whatever quoting it stands in. */
class ShellTemplatesTest {

    @TempDir
    Path workDir;

    private RunResult run(String fixture, Map<String, String> params) throws Exception {
        return Fixtures.run(fixture, params, Fixtures.answering(FixtureRun.Answers.YES), workDir, new RunControl(), RunListener.NONE);
    }

    private static final String NAME = "Ada  'the' \"first\" $(touch pwned) *";

    @Test
    void a_template_inside_single_double_or_no_quotes_gets_the_value_exactly_and_never_as_code() throws Exception {
        RunResult result = run("engine/shell-quoting.md", Map.of("name", NAME));

        assertThat(result.state().status()).as(result.state().message()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(result.state().execution("contexts").orElseThrow().result().path("stdout").asText()).isEqualTo("""
                {"name": "%1$s"}
                double: %1$s
                bare: %1$s
                ansi:\t%1$s
                here: %1$s
                sub: %1$s
                sum: 3
                """.formatted(NAME));
        assertThat(Files.exists(workDir.resolve("pwned"))).as("the value ran as code").isFalse();
    }

    @Test
    void the_record_shows_the_script_as_bash_ran_it_and_the_values_beside_it() throws Exception {
        RunResult result = run("engine/shell-quoting.md", Map.of("name", "Ada"));

        String record = MarkdownRecord.render(result);
        assertThat(record)
                .contains("printf '%s\\n' '{\"name\": \"'\"${OPSBOOK_VALUE_1}\"'\"}'")
                .contains("echo bare: \"${OPSBOOK_VALUE_3}\"")
                .contains("OPSBOOK_VALUE_1=\"Ada\"")
                .contains("OPSBOOK_VALUE_7=\"2\"");
    }
}
