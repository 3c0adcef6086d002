package dev.opsbook.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The service, serve's resources, the store and the engine are parts with one job each: none of their classes grows past 400 lines. */
class ClassSizeTest {

    static final int MAX_LINES = 400;

    @Test
    void no_class_of_the_service_is_over_400_lines() throws IOException {
        assertEquals(List.of(), over(Path.of("src/main/java/dev/opsbook/service")));
    }

    @Test
    void no_class_of_the_store_is_over_400_lines() throws IOException {
        assertEquals(List.of(), over(Path.of("src/main/java/dev/opsbook/store")));
    }

    @Test
    void no_class_of_what_serve_answers_with_is_over_400_lines() throws IOException {
        for (String part : List.of("serve", "api", "web", "http")) {
            assertEquals(List.of(), over(Path.of("src/main/java/dev/opsbook/" + part)), part);
        }
    }

    @Test
    void no_class_of_the_engine_is_over_400_lines() throws IOException {
        assertEquals(List.of(), over(Path.of("src/main/java/dev/opsbook/engine")));
    }

    /** Each file of {@code folder} over {@link #MAX_LINES}, with its length. */
    private static List<String> over(Path folder) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(f -> f.toString().endsWith(".java")).sorted()
                    .filter(f -> lines(f) > MAX_LINES).map(f -> f + ": " + lines(f) + " lines").toList();
        }
    }

    private static long lines(Path file) {
        try (Stream<String> lines = Files.lines(file)) {
            return lines.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
