package dev.opsbook.runbook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsbook.steps.StandardSteps;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every runbook, playbook, library runbook, example and fixture in the repository reads to the same model and the
 * same diagnostics whether its YAML is read by {@link LightYaml} where it can or by SnakeYAML alone; every YAML
 * file reads to the same tree both ways.
 */
class YamlReadersAgreeTest {

    private static final List<Path> FOLDERS = List.of(Path.of("runbooks"), Path.of("playbooks"), Path.of("docs"),
            Path.of("src/test/resources"), Path.of("events"), Path.of("deploy"));
    /** A runbook shown inside a document: ```markdown or ~~~markdown fences. */
    private static final Pattern EXAMPLE = Pattern.compile("(?ms)^(```+|~~~+)(?:markdown|md)\\s*\\n(.*?)^\\1\\s*$");

    private final RunbookParser light = new RunbookParser(StandardSteps.all().catalog());
    private final RunbookParser snake = new RunbookParser(StandardSteps.all().catalog(), true);

    @Test
    void every_runbook_in_the_repository_reads_the_same_with_the_light_reader_as_with_snakeyaml() throws IOException {
        List<Path> files = files(".md");
        int documents = 0;
        for (Path file : files) {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            List<String> texts = new ArrayList<>(List.of(text));
            Matcher example = EXAMPLE.matcher(text);
            while (example.find()) {
                texts.add(example.group(2));
            }
            for (String document : texts) {
                ParsedRunbook ours = light.parse(file.toString(), document);
                ParsedRunbook theirs = snake.parse(file.toString(), document);
                assertThat(ours.runbook()).as("the model of %s", file).isEqualTo(theirs.runbook());
                assertThat(ours.diagnostics()).as("the diagnostics of %s", file).isEqualTo(theirs.diagnostics());
                for (int i = 0; i < ours.runbook().steps().size(); i++) {
                    Step step = ours.runbook().steps().get(i);
                    assertThat(step.settings().toString()).as("settings of %s in %s", step.id(), file)
                            .isEqualTo(theirs.runbook().steps().get(i).settings().toString());
                }
                documents++;
            }
        }
        assertThat(files).hasSizeGreaterThan(100);
        assertThat(documents).isGreaterThan(files.size());
    }

    @Test
    void every_yaml_file_in_the_repository_reads_the_same_with_the_light_reader_as_with_snakeyaml() throws IOException {
        List<Path> files = new ArrayList<>(files(".yaml"));
        files.addAll(files(".yml"));
        for (Path file : files) {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            assertThat(YamlTree.read(text, Position.START, 0)).as("%s", file)
                    .isEqualTo(YamlTree.readWithSnakeYaml(text, Position.START, 0));
        }
        assertThat(files).hasSizeGreaterThan(20);
    }

    private static List<Path> files(String suffix) throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path folder : FOLDERS) {
            if (!Files.isDirectory(folder)) {
                continue;
            }
            try (Stream<Path> walk = Files.walk(folder)) {
                walk.filter(p -> p.toString().endsWith(suffix) && Files.isRegularFile(p)).sorted().forEach(files::add);
            }
        }
        return files;
    }
}
