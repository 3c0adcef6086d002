package dev.opsbook.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.opsbook.cli.TestCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * docs/TESTING.md is what a stranger writes test files from, so its examples must do what it says. Each follows a
 * comment {@code <!-- test-example: NAME exit=N [uses=OTHER] -->}: a {@code ````markdown} runbook (saved as
 * {@code NAME.md}; with {@code uses=OTHER}, OTHER's runbook is saved beside instead), then the next {@code ```yaml}
 * block (saved as {@code NAME.test.yaml}), then optionally a {@code ```text} block before the next example: lines
 * {@code opsbook test} must print, in order, durations and the folder aside. The example is run through the
 * {@code opsbook test} command and must exit with N.
 */
class TestingExamplesTest {

    private static final Path DOC = DocsSupport.projectRoot().resolve("docs/TESTING.md");
    private static final Pattern MARKER = Pattern.compile("<!-- test-example: (.*?) -->");
    private static final Pattern DURATION = Pattern.compile("\\(\\d+ ms\\)$");

    record Example(String name, int exit, String uses, String runbook, String tests, List<String> printed, int line) {
        @Override
        public String toString() {
            return name + " (TESTING.md:" + line + ")";
        }
    }

    static List<Example> examples() throws IOException {
        List<String> lines = Files.readAllLines(DOC);
        Map<String, Example> byName = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher marker = MARKER.matcher(lines.get(i).strip());
            if (!marker.matches()) {
                continue;
            }
            int at = i + 1;
            String[] words = marker.group(1).strip().split("\\s+");
            int exit = -1;
            String uses = "";
            for (String word : List.of(words).subList(1, words.length)) {
                if (word.startsWith("exit=")) {
                    exit = Integer.parseInt(word.substring(5));
                } else if (word.startsWith("uses=")) {
                    uses = word.substring(5);
                } else {
                    fail("TESTING.md:" + at + ": unknown word '" + word + "' in the example comment");
                }
            }
            if (exit < 0) {
                fail("TESTING.md:" + at + ": the example comment says exit=0, 1 or 2");
            }
            String runbook = "";
            if (uses.isEmpty()) {
                runbook = block(lines, i + 1, "````markdown", "````", at).orElseThrow();
            } else if (!byName.containsKey(uses)) {
                fail("TESTING.md:" + at + ": uses=" + uses + " names no example before it");
            }
            String tests = block(lines, i + 1, "```yaml", "```", at).orElseThrow();
            List<String> printed = block(lines, i + 1, "```text", "```", at)
                    .map(text -> text.lines().filter(l -> !l.isBlank()).toList()).orElse(List.of());
            byName.put(words[0], new Example(words[0], exit, uses, runbook, tests, printed, at));
        }
        assertThat(byName).as("examples in TESTING.md").isNotEmpty();
        return new ArrayList<>(byName.values());
    }

    /** The first block opened by {@code open} after {@code from}, before the next example. */
    private static java.util.Optional<String> block(List<String> lines, int from, String open, String close, int at) {
        for (int i = from; i < lines.size() && !MARKER.matcher(lines.get(i).strip()).matches(); i++) {
            if (lines.get(i).equals(open)) {
                StringBuilder text = new StringBuilder();
                for (int j = i + 1; j < lines.size(); j++) {
                    if (lines.get(j).equals(close)) {
                        return java.util.Optional.of(text.toString());
                    }
                    text.append(lines.get(j)).append('\n');
                }
                fail("TESTING.md:" + at + ": a " + open + " block is never closed");
            }
        }
        return java.util.Optional.empty();
    }

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void each_example_runs_with_opsbook_test_as_the_document_says(Example example) throws Exception {
        Map<String, Example> all = new LinkedHashMap<>();
        examples().forEach(e -> all.put(e.name(), e));
        String runbookName = example.uses().isEmpty() ? example.name() : example.uses();
        Files.writeString(dir.resolve(runbookName + ".md"), all.get(runbookName).runbook());
        Files.writeString(dir.resolve(example.name() + ".test.yaml"), example.tests());

        Run run = opsbookTest(dir.resolve(example.name() + ".test.yaml").toString());

        assertThat(run.exit()).as(run.all()).isEqualTo(example.exit());
        List<String> printed = (run.stdout() + run.stderr()).lines()
                .map(l -> DURATION.matcher(l.replace(dir + "/", "")).replaceAll("(N ms)")).toList();
        List<String> documented = example.printed().stream().map(l -> DURATION.matcher(l).replaceAll("(N ms)")).toList();
        assertThat(printed).as(run.all()).containsSubsequence(documented);
    }

    record Run(int exit, String stdout, String stderr) {
        String all() {
            return "exit " + exit + "\n" + stdout + stderr;
        }
    }

    private static Run opsbookTest(String... args) {
        dev.opsbook.testing.InProcessCli.Result result = dev.opsbook.testing.InProcessCli.run(new TestCommand(), args);
        return new Run(result.exitCode(), result.stdout(), result.stderr());
    }
}
