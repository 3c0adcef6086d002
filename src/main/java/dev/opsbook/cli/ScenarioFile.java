package dev.opsbook.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.gameday.Scenario;
import dev.opsbook.runbook.Diagnostic;
import dev.opsbook.runbook.Position;
import dev.opsbook.runbook.YamlTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A game day's scenario file ({@code SCENARIO.yaml}) read for {@code POST /api/gamedays}: each event named by a file
 * (relative to the scenario) replaced by the file's JSON, then checked as serve checks it, with every problem placed at
 * its line and column in the scenario.
 */
final class ScenarioFile {

    /** The scenario as JSON with its events inline, or the located errors that keep it from starting. */
    record Read(Optional<ObjectNode> json, List<Diagnostic> errors) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private ScenarioFile() {
    }

    static Read read(Path file) {
        String name = file.toString();
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            return new Read(Optional.empty(), List.of(Diagnostic.error(name, Position.START, "cannot read the scenario: " + e.getMessage())));
        }
        YamlTree tree = YamlTree.read(text, Position.START, 0);
        List<Diagnostic> errors = new ArrayList<>();
        tree.problems().forEach(p -> errors.add(Diagnostic.error(name, p.position(), p.message())));
        if (!errors.isEmpty() || tree.value() == null || !tree.value().isObject()) {
            if (errors.isEmpty()) {
                errors.add(Diagnostic.error(name, Position.START, "a scenario is a mapping with name, events and expect"));
            }
            return new Read(Optional.empty(), errors);
        }
        ObjectNode json = (ObjectNode) tree.value().deepCopy();
        JsonNode events = json.path("events");
        if (events.isArray()) {
            ArrayNode inline = JSON.createArrayNode();
            for (int i = 0; i < events.size(); i++) {
                JsonNode item = events.get(i);
                String pointer = "/events/" + i;
                Optional<String> eventFile = item.isTextual() ? Optional.of(item.asText())
                        : item.isObject() && item.has("file") ? Optional.of(item.get("file").asText()) : Optional.empty();
                if (eventFile.isEmpty()) {
                    inline.add(item);
                    continue;
                }
                Path path = file.toAbsolutePath().getParent().resolve(eventFile.get());
                try {
                    inline.add(JSON.readTree(Files.readString(path)));
                } catch (IOException e) {
                    errors.add(Diagnostic.error(name, at(tree, pointer), "cannot read event file " + eventFile.get() + " (" + path
                            + "): " + e.getMessage().lines().findFirst().orElse("")));
                }
            }
            json.set("events", inline);
        }
        for (Scenario.Problem problem : Scenario.read(json).problems()) {
            errors.add(Diagnostic.error(name, at(tree, problem.pointer()), problem.message()));
        }
        return errors.isEmpty() ? new Read(Optional.of(json), List.of()) : new Read(Optional.empty(), errors);
    }

    private static Position at(YamlTree tree, String pointer) {
        return new dev.opsbook.rehearsal.Problem(pointer, "").locate("", tree).position();
    }
}
