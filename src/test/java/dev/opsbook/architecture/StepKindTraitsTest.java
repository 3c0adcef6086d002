package dev.opsbook.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What a step kind is (asks a person, is an approval, only reads, calls AWS, notifies) is a trait on
 * its {@code StepKindSpec}, so a kind added or renamed is handled everywhere its traits say, and no
 * code asks for a kind by its name.
 */
class StepKindTraitsTest {

    private static final Pattern BY_NAME = Pattern.compile("kind(\\(\\))?\\.equals\\(\"");

    @Test
    void no_code_tells_step_kinds_apart_by_their_names() throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                List<String> lines = Files.readAllLines(file);
                for (int i = 0; i < lines.size(); i++) {
                    if (BY_NAME.matcher(lines.get(i)).find()) {
                        found.add(file + ":" + (i + 1) + ": " + lines.get(i).strip());
                    }
                }
            }
        }
        assertThat(found).as("ask the kind's traits (StepKindSpec.Trait, Step.has) instead").isEmpty();
    }
}
