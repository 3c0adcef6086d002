package dev.opsbook.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code events/} holds one sample per event kind, each listed in docs/TESTING.md's "Event samples" table: a game day
 * or a library test picks the sample of a kind without choosing between two that disagree.
 */
class EventSamplesTest {

    private static final Path EVENTS = DocsSupport.projectRoot().resolve("events");
    private static final Path DOC = DocsSupport.projectRoot().resolve("docs/TESTING.md");

    @Test
    void no_two_samples_are_of_the_same_event_kind() throws IOException {
        Map<String, List<String>> byKind = new TreeMap<>();
        for (Path file : samples()) {
            byKind.computeIfAbsent(kind(new ObjectMapper().readTree(file.toFile())), k -> new java.util.ArrayList<>())
                    .add(file.getFileName().toString());
        }
        assertThat(byKind).as("samples by kind").allSatisfy((kind, files) -> assertThat(files).as(kind).hasSize(1));
    }

    @Test
    void every_sample_is_listed_in_testing_md_with_its_detail_type_and_nothing_else_is() throws IOException {
        Map<String, String> listed = table();
        Map<String, String> present = new LinkedHashMap<>();
        for (Path file : samples()) {
            present.put(file.getFileName().toString(), new ObjectMapper().readTree(file.toFile()).path("detail-type").asText());
        }
        assertThat(listed).isEqualTo(present);
    }

    /** What tells one kind from another: the source and detail-type, and an alarm's metric or an ECS event's name. */
    private static String kind(JsonNode event) {
        JsonNode detail = event.path("detail");
        JsonNode metric = detail.path("configuration").path("metrics").path(0).path("metricStat").path("metric");
        return event.path("source").asText() + " / " + event.path("detail-type").asText()
                + (metric.isMissingNode() ? "" : " / " + metric.path("namespace").asText() + " " + metric.path("name").asText())
                + (detail.has("eventName") ? " / " + detail.path("eventName").asText() : "");
    }

    private static List<Path> samples() throws IOException {
        try (Stream<Path> files = Files.list(EVENTS)) {
            return files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        }
    }

    /** The table's rows: file name to detail-type. */
    private static Map<String, String> table() throws IOException {
        List<String> lines = Files.readAllLines(DOC);
        int at = lines.indexOf("### Event samples");
        assertThat(at).as("docs/TESTING.md has an Event samples part").isNotNegative();
        Map<String, String> rows = new LinkedHashMap<>();
        for (String line : lines.subList(at + 1, lines.size())) {
            if (line.startsWith("#")) {
                break;
            }
            String[] cells = line.split("\\|");
            if (cells.length > 3 && cells[1].strip().matches("`[^`]+\\.json`")) {
                rows.put(cells[1].strip().replace("`", ""), cells[3].strip());
            }
        }
        return rows;
    }
}
