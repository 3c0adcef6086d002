package dev.opsbook.expression;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.opsbook.expression.ShellQuoting.Context;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The cases are data: {@code src/test/resources/expression/shell-quoting-cases.json}. */
class ShellQuotingTest {

    static Stream<Arguments> cases() throws IOException {
        try (InputStream in = ShellQuotingTest.class.getResourceAsStream("/expression/shell-quoting-cases.json")) {
            JsonNode cases = new ObjectMapper().readTree(in);
            return StreamSupport.stream(cases.spliterator(), false).map(c -> Arguments.of(
                    Named.of(c.path("why").asText(), c.path("script").asText()),
                    StreamSupport.stream(c.path("contexts").spliterator(), false).map(x -> Context.valueOf(x.asText())).toList()));
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void each_template_is_read_in_the_quoting_context_bash_gives_it(String script, List<Context> expected) {
        assertThat(ShellQuoting.contexts(Template.parse(script))).isEqualTo(expected);
    }

    /** A value that would break out of any quoting that wrote it in as text. */
    private static final String HOSTILE = "Ada  'x' \"y\" $(touch pwned) `id` \\ * ${HOME}\nline2";

    static Stream<Arguments> scriptsAndWhatTheyPrint() {
        return Stream.of(
                Arguments.of("printf '%s|' {{ v }}", "{{ v }}|"),
                Arguments.of("printf '%s|' \"<{{ v }}>\"", "<{{ v }}>|"),
                Arguments.of("printf '%s|' 'before {{ v }} after'", "before {{ v }} after|"),
                Arguments.of("printf '%s|' $'before\\t{{ v }} after'", "before\t{{ v }} after|"),
                Arguments.of("printf '%s|' \"$(printf '%s' {{ v }})\"", "{{ v }}|"),
                Arguments.of("cat <<EOF\n'{{ v }}'|\nEOF", "'{{ v }}'|"),
                Arguments.of("cat <<-EOF\n\t{{ v }}|\n\tEOF", "{{ v }}|"),
                Arguments.of("# {{ v }}\nprintf '%s|' ok", "ok|"));
    }

    @ParameterizedTest
    @MethodSource("scriptsAndWhatTheyPrint")
    void bash_expands_the_reference_to_exactly_the_value_in_every_context_that_takes_one(String script, String prints) throws Exception {
        Template template = Template.parse(script);
        List<Context> contexts = ShellQuoting.contexts(template);
        StringBuilder rendered = new StringBuilder();
        int n = 0;
        for (Template.Part part : template.parts()) {
            rendered.append(part instanceof Template.Text t ? t.text() : ShellQuoting.reference("OPSBOOK_VALUE_1", contexts.get(n++)));
        }

        ProcessBuilder bash = new ProcessBuilder("bash", "--noprofile", "--norc", "-c", rendered.toString());
        bash.environment().put("OPSBOOK_VALUE_1", HOSTILE);
        Process process = bash.redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).isZero();

        assertThat(out.strip()).as(rendered.toString()).isEqualTo(prints.replace("{{ v }}", HOSTILE));
    }

    @ParameterizedTest
    @ValueSource(strings = {"cat <<'EOF'\n{{ v }}\nEOF", "echo \\{{ v }}", "echo \"${{ v }}\""})
    void a_context_where_bash_would_not_expand_the_value_takes_none_and_says_what_to_write(String script) {
        List<Context> contexts = ShellQuoting.contexts(Template.parse(script));

        assertThat(contexts).singleElement().satisfies(c -> {
            assertThat(c.takesValue()).isFalse();
            assertThat(ShellQuoting.problem(c)).get().asString().containsPattern("; (write|remove) ");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"echo {{ v }}", "echo \"{{ v }}\"", "echo '{{ v }}'"})
    void contexts_that_take_values_have_no_problem(String script) {
        assertThat(ShellQuoting.contexts(Template.parse(script))).singleElement()
                .satisfies(c -> assertThat(ShellQuoting.problem(c)).isEmpty());
    }
}
