package dev.opsbook.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assertions.tuple;

import dev.opsbook.runbook.Diagnostic;
import dev.opsbook.runbook.Position;
import dev.opsbook.runbook.Step;
import dev.opsbook.runbook.StepForm;
import dev.opsbook.steps.StandardSteps;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every fixture under {@code runbooks/invalid} and {@code runbooks/valid} ends with the diagnostics
 * it must produce, in an HTML comment (which Markdown keeps as prose):
 *
 * <pre>
 * &lt;!-- expect:
 * 7:17 error: step 'fix' needs 'chek', which is not a step; did you mean 'check'?
 * 12:10 warning: run.user is always null
 * --&gt;
 * </pre>
 *
 * Each line gives line:column and severity exactly, and words the message must contain; " ... "
 * separates pieces that must appear in that order. {@code <!-- expect: nothing -->} expects none.
 * The diagnostics must match one for one, in file order, so a missing or an extra one fails.
 */
class ValidationDiagnosticsTest {

    private static final RunbookLoader LOADER = new RunbookLoader(StandardSteps.all().catalog());
    private static final Pattern EXPECT_BLOCK = Pattern.compile("<!-- expect:(.*?)-->", Pattern.DOTALL);
    private static final Pattern EXPECTED_LINE = Pattern.compile("(\\d+):(\\d+) (error|warning): (.+)");

    record Expected(Position position, String severity, List<String> pieces) {
        boolean matches(Diagnostic diagnostic) {
            if (!diagnostic.position().equals(position) || !diagnostic.severity().label().equals(severity)) {
                return false;
            }
            int from = 0;
            for (String piece : pieces) {
                int at = diagnostic.message().indexOf(piece, from);
                if (at < 0) {
                    return false;
                }
                from = at + piece.length();
            }
            return true;
        }

        @Override
        public String toString() {
            return position + " " + severity + ": " + String.join(" ... ", pieces);
        }
    }

    static Stream<Arguments> fixtures() {
        return Stream.of("invalid", "valid").flatMap(folder -> {
            try (Stream<Path> files = Files.list(resource("runbooks/" + folder))) {
                return files.filter(f -> f.toString().endsWith(".md")).sorted().toList().stream()
                        .map(f -> Arguments.of(Named.of(folder + "/" + f.getFileName(), f)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void a_fixture_gets_exactly_the_diagnostics_written_at_its_end(Path fixture) {
        String text = read(fixture);

        assertDiagnostics(fixture, LOADER.load(fixture.getFileName().toString(), text).diagnostics(), expectations(text));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void a_fixture_with_crlf_line_endings_gets_the_same_diagnostics_at_the_same_places(Path fixture) {
        String text = read(fixture);

        List<Diagnostic> diagnostics = LOADER.load(fixture.getFileName().toString(), text.replace("\n", "\r\n")).diagnostics();

        assertDiagnostics(fixture, diagnostics, expectations(text));
        assertThat(diagnostics).extracting(Diagnostic::message).noneMatch(m -> m.contains("\r"));
    }

    @Test
    void every_invalid_fixture_expects_a_diagnostic_and_every_valid_one_none() {
        List<Path> all = fixtures().map(a -> (Path) ((Named<?>) a.get()[0]).getPayload()).toList();
        assertThat(all).hasSizeGreaterThan(25);
        for (Path fixture : all) {
            boolean invalid = fixture.getParent().getFileName().toString().equals("invalid");
            assertThat(expectations(read(fixture)).isEmpty())
                    .as("%s expects %s", fixture.getFileName(), invalid ? "diagnostics" : "none").isEqualTo(!invalid);
        }
    }

    @Test
    void a_diagnostic_prints_as_file_line_column_severity_and_message() {
        LoadedRunbook loaded = load("invalid/needs-missing-step.md");

        assertThat(loaded.diagnostics()).singleElement().hasToString(
                "needs-missing-step.md:7:17: error: step 'fix' needs 'chek', which is not a step; did you mean 'check'?");
        assertThat(loaded.hasErrors()).isTrue();
    }

    @Test
    void problems_of_every_kind_in_one_file_are_all_reported_in_file_order() {
        LoadedRunbook loaded = load("invalid/many-problems.md");

        assertThat(loaded.diagnostics()).hasSize(7).isSortedAccordingTo(Diagnostic.IN_FILE_ORDER);
        assertThat(loaded.errors()).hasSize(6);
        assertThat(loaded.runbook().steps()).extracting(Step::id).containsExactly("two", "three");
    }

    @Test
    void an_output_written_as_one_template_is_read_as_the_expression_inside_it_and_a_broken_one_is_left_out() {
        LoadedRunbook loaded = load("invalid/output-templates.md");

        assertThat(loaded.runbook().outputs()).containsExactly(
                java.util.Map.entry("host", "steps.find.outputs.host"), java.util.Map.entry("count", "steps.find.outputs.count"));
    }

    @Test
    void a_runbook_of_prose_only_has_no_steps_and_no_diagnostics() {
        LoadedRunbook loaded = load("valid/prose-only.md");

        assertThat(loaded.diagnostics()).isEmpty();
        assertThat(loaded.runbook().steps()).isEmpty();
        assertThat(loaded.graph().flow()).isEmpty();
        assertThat(loaded.runbook().title()).isEqualTo("Restarting the cache by hand");
    }

    @Test
    void runme_annotated_blocks_and_plain_bash_or_sh_blocks_are_prose_not_steps() {
        LoadedRunbook loaded = load("valid/runme-blocks-are-prose.md");

        assertThat(loaded.diagnostics()).isEmpty();
        assertThat(loaded.runbook().steps()).isEmpty();
    }

    @Test
    void a_fenced_step_inside_a_list_item_is_a_step_read_at_its_indentation() {
        LoadedRunbook loaded = load("valid/step-in-list-item.md");

        assertThat(loaded.diagnostics()).isEmpty();
        assertThat(loaded.runbook().steps()).extracting(Step::id, Step::kind, Step::position, s -> s.span().indent())
                .containsExactly(
                        tuple("look", "shell", new Position(5, 4), 3),
                        tuple("tell-the-on-call-engineer-what-you-saw", "manual", new Position(10, 4), 3),
                        tuple("still-ok", "assert", new Position(13, 6), 5),
                        tuple("quoted", "shell", new Position(17, 3), 2));
        Step look = loaded.runbook().step("look").orElseThrow();
        assertThat(look.body()).isEqualTo("echo '{\"state\": \"ok\"}'\n");
        assertThat(loaded.runbook().step("still-ok").orElseThrow().settings().path("that").asText())
                .isEqualTo("steps.look.status == 'succeeded'");
        assertThat(loaded.runbook().step("quoted").orElseThrow().body()).isEqualTo("echo \"inside a quote\"\n");
    }

    @Test
    void a_crlf_runbook_reads_like_its_lf_twin() {
        String lf = read(resource("runbooks/valid/all-features.md"));

        LoadedRunbook unix = LOADER.load("all-features.md", lf);
        LoadedRunbook windows = LOADER.load("all-features.md", lf.replace("\n", "\r\n"));

        assertThat(windows.diagnostics()).isEmpty();
        assertThat(windows.runbook().parameters()).isEqualTo(unix.runbook().parameters());
        assertThat(windows.runbook().steps()).hasSameSizeAs(unix.runbook().steps());
        for (int i = 0; i < unix.runbook().steps().size(); i++) {
            Step expected = unix.runbook().steps().get(i);
            Step actual = windows.runbook().steps().get(i);
            assertThat(actual.id()).isEqualTo(expected.id());
            assertThat(actual.title()).isEqualTo(expected.title());
            assertThat(actual.position()).isEqualTo(expected.position());
            assertThat(actual.settings()).isEqualTo(expected.settings());
            assertThat(actual.body()).as("body of %s", actual.id()).isEqualTo(expected.body()).doesNotContain("\r");
        }
    }

    @Test
    void a_runbook_whose_front_matter_is_never_closed_still_has_its_steps_read_and_checked() {
        LoadedRunbook loaded = load("invalid/front-matter-not-closed.md");

        assertThat(loaded.runbook().steps()).extracting(Step::id, Step::form)
                .containsExactly(tuple("hello", StepForm.FENCED_BLOCK));
        assertThat(loaded.runbook().title()).isEqualTo("Front matter that never ends");
        assertThat(loaded.runbook().bodyOffset()).isZero();
    }

    @Test
    void a_manual_or_approve_block_written_as_prose_is_its_prompt_even_with_a_colon_or_a_list_in_it() {
        LoadedRunbook loaded = load("valid/manual-prose.md");

        assertThat(loaded.runbook().steps()).extracting(Step::id, s -> s.settings().path("prompt").asText()).containsExactly(
                tuple("look", "Check the {{ params.service }} dashboard: is latency below 200ms?"),
                tuple("ok", "Proceed with the failover? Note: this pages the DBA."),
                tuple("multi", "Open the console.\nThen check: all green"),
                tuple("list", "- open the console\n- look at it"),
                tuple("settings", "Fail over {{ params.service }}?"));
        assertThat(loaded.runbook().step("settings").orElseThrow().settings().path("approvers").size()).isEqualTo(2);
    }

    @Test
    void a_runbook_step_that_names_two_runbooks_is_a_step_with_an_error() {
        LoadedRunbook loaded = load("invalid/runbook-step-names-two.md");

        assertThat(loaded.runbook().steps()).extracting(Step::id, Step::kind)
                .containsExactly(tuple("page", "runbook"));
        assertThat(loaded.hasErrors()).isTrue();
    }

    // ---- helpers ----------------------------------------------------------------------------

    private static void assertDiagnostics(Path fixture, List<Diagnostic> actual, List<Expected> expected) {
        String shown = "%nexpected:%n  %s%nactual:%n  %s".formatted(
                String.join("\n  ", expected.stream().map(Expected::toString).toList()),
                String.join("\n  ", actual.stream().map(Diagnostic::toString).toList()));
        assertThat(actual).as("diagnostics of %s%s", fixture.getFileName(), shown).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            assertThat(expected.get(i).matches(actual.get(i)))
                    .as("diagnostic %d of %s%s", i + 1, fixture.getFileName(), shown).isTrue();
        }
    }

    static List<Expected> expectations(String text) {
        Matcher block = EXPECT_BLOCK.matcher(text);
        if (!block.find()) {
            fail("the fixture has no <!-- expect: ... --> block");
        }
        List<Expected> expected = new ArrayList<>();
        for (String line : block.group(1).strip().split("\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.equals("nothing")) {
                continue;
            }
            Matcher m = EXPECTED_LINE.matcher(trimmed);
            if (!m.matches()) {
                fail("cannot read expected diagnostic '" + trimmed + "'; write line:column error|warning: words");
            }
            expected.add(new Expected(new Position(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))),
                    m.group(3), List.of(m.group(4).split(" \\.\\.\\. "))));
        }
        return expected;
    }

    private static LoadedRunbook load(String fixture) {
        Path path = resource("runbooks/" + fixture);
        return LOADER.load(path.getFileName().toString(), read(path));
    }

    static Path resource(String name) {
        try {
            return Path.of(ValidationDiagnosticsTest.class.getClassLoader().getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static String read(Path path) {
        try {
            return Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
