package dev.opsbook.trigger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/** Test events: those in src/test/resources/events, and the real-world corpus in ../shared/corpus, read in place. */
final class Events {

    static final ObjectMapper JSON = new ObjectMapper();

    private Events() {
    }

    static Path resource(String name) {
        try {
            return Path.of(Objects.requireNonNull(Events.class.getResource("/events/" + name), name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static String text(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ObjectNode json(Path file) {
        try {
            return (ObjectNode) JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode tree(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static EventEnvelope envelope(String resourceName) {
        ParsedEvent parsed = EventEnvelope.parse(text(resource(resourceName)));
        if (parsed instanceof EventEnvelope.Rejection rejection) {
            throw new AssertionError(resourceName + " rejected: " + rejection.reason());
        }
        return (EventEnvelope) parsed;
    }

    /**
     * The shared corpus, beside the project ({@code ../shared/corpus}) or at /work/shared/corpus. When it is
     * missing the test fails on CI (CI=true) and is skipped elsewhere, saying so.
     */
    static Path corpus() {
        Optional<Path> found = java.util.stream.Stream.of(
                        Path.of("").toAbsolutePath().getParent().resolve("shared/corpus"),
                        Path.of("/work/shared/corpus"))
                .filter(Files::isDirectory).findFirst();
        if (found.isEmpty()) {
            String message = "the shared corpus is missing: looked in ../shared/corpus and /work/shared/corpus";
            if ("true".equals(System.getenv("CI"))) {
                Assertions.fail(message);
            }
            Assumptions.abort(message + "; these tests need it (they never copy it into the project)");
        }
        return found.get();
    }
}
