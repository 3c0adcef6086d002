package dev.opsbook.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a shell step writes to $OPSBOOK_OUTPUT: a value holding a line break cannot add or replace an output. */
class OutputFramingTest {

    @TempDir
    Path workDir;

    private RunResult run(String name) throws Exception {
        return Fixtures.run("engine/output-forgery.md", Map.of("name", name), Fixtures.answering(FixtureRun.Answers.YES), workDir,
                new RunControl(), RunListener.NONE);
    }

    @Test
    void a_line_break_in_a_value_written_as_name_equals_value_does_not_make_an_output_silently() throws Exception {
        RunResult result = run("Ada\nisAdmin=true");

        StepExecution greet = result.state().execution("greet").orElseThrow();
        assertThat(greet.outputs().has("isAdmin")).as("forged output").isFalse();
        assertThat(greet.status()).isEqualTo(StepStatus.FAILED);
        assertThat(greet.message()).contains("isAdmin").contains("NAME<<DELIMITER");
    }

    @Test
    void the_delimited_form_keeps_a_value_with_line_breaks_whole() throws Exception {
        RunResult result = run("Ada\nisAdmin=true\ncount=9");

        StepExecution framed = result.state().execution("framed").orElseThrow();
        assertThat(framed.status()).as(framed.message()).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(framed.outputs().path("greeting").asText()).isEqualTo("hello Ada\nisAdmin=true\ncount=9");
        assertThat(framed.outputs().path("count").asText()).isEqualTo("1");
        assertThat(framed.outputs().has("isAdmin")).isFalse();
    }

    @Test
    void a_plain_value_is_an_output_as_before() throws Exception {
        RunResult result = run("Ada");

        assertThat(result.state().status()).as(result.state().message()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(result.state().execution("greet").orElseThrow().outputs().path("greeting").asText()).isEqualTo("hello Ada");
    }
}
