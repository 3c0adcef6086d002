package dev.opsbook.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.graph.LoadedRunbook;
import dev.opsbook.steps.StandardSteps;
import dev.opsbook.store.RunEventJson;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.StreamSupport;

/**
 * Run histories kept as files under {@code src/test/resources/replay/}: a fixture runbook, its
 * parameters and every event of one run as {@link RunEventJson} stores it. The checked-in ones
 * were recorded by the version before retries became scheduler decisions, so replaying them
 * checks that histories already in stores still fold and replay.
 *
 * <p>{@link #main} records them again ({@code ./mvnw -q test-compile} then run it with the test
 * classpath, from the worktree): only worth doing with a version whose histories should be kept.
 */
public final class ReplayFixtures {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> NAMES = List.of("simple", "retries", "rollback", "answered", "taken-over");

    /** One recorded history and the runbook it ran. */
    public record Recorded(String name, String runbook, Map<String, String> params, List<RunEvent> events) {
    }

    private ReplayFixtures() {
    }

    public static Recorded read(String name) throws IOException {
        try (InputStream in = ReplayFixtures.class.getResourceAsStream("/replay/" + name + ".json")) {
            if (in == null) {
                throw new IOException("no fixture replay/" + name + ".json");
            }
            JsonNode json = JSON.readTree(in);
            Map<String, String> params = new LinkedHashMap<>();
            json.path("params").fields().forEachRemaining(f -> params.put(f.getKey(), f.getValue().asText()));
            List<RunEvent> events = StreamSupport.stream(json.path("events").spliterator(), false).map(RunEventJson::decode).toList();
            return new Recorded(name, json.path("runbook").asText(), params, events);
        }
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "src/test/resources/replay");
        Path work = Files.createTempDirectory("opsbook-replay");
        Files.createDirectories(dir);
        write(dir, new Recorded("simple", "engine/conditions.md", Map.of(), fresh("engine/conditions.md", Map.of(), work)));
        write(dir, new Recorded("retries", "engine/retry.md", Map.of(), fresh("engine/retry.md", Map.of(), work)));
        write(dir, new Recorded("rollback", "engine/rollback.md", Map.of("failAt", "switch"),
                fresh("engine/rollback.md", Map.of("failAt", "switch"), work)));
        write(dir, new Recorded("answered", "engine/people.md", Map.of(), answered("engine/people.md", work)));
        Map<String, String> marker = Map.of("marker", work.resolve("marker.txt").toString());
        write(dir, new Recorded("taken-over", "engine/interrupted.md", marker, takenOver("engine/interrupted.md", marker, work)));
    }

    private static RunRequest request(LoadedRunbook runbook, Map<String, String> params, Interaction interaction, Path work) {
        return new RunRequest(runbook, params, "tester", "test", interaction, Optional.empty(), work);
    }

    private static List<RunEvent> fresh(String name, Map<String, String> params, Path work) throws Exception {
        try (Engine engine = new Engine(StandardSteps.all())) {
            return engine.run(request(Fixtures.load(name), params, Fixtures.answering(FixtureRun.Answers.YES), work), RunListener.NONE).events();
        }
    }

    /** Nobody at the run: it waits at each person's step; each time a person answers through the store and it resumes. */
    private static List<RunEvent> answered(String name, Path work) throws Exception {
        LoadedRunbook runbook = Fixtures.load(name);
        RunRequest request = request(runbook, Map.of(), Interaction.NOBODY, work);
        List<RunEvent> history;
        try (Engine engine = new Engine(StandardSteps.all())) {
            history = new ArrayList<>(engine.run(request, RunListener.NONE).events());
        }
        for (int round = 0; round < 5 && RunState.fold(history).status() == RunStatus.WAITING; round++) {
            RunState state = RunState.fold(history);
            StepExecution waiting = state.executions().values().stream().filter(x -> x.status() == StepStatus.WAITING).findFirst().orElseThrow();
            history.add(new RunEvent.StepAnswered(Instant.now(), waiting.key(),
                    new Interaction.Answer(true, "alice", "done", Instant.now(), "api")));
            try (Engine engine = new Engine(StandardSteps.all())) {
                history = new ArrayList<>(engine.resume(request, history, "alice", RunListener.NONE, new RunControl()).events());
            }
        }
        return history;
    }

    /** A run cut right after its idempotent step started, as a killed engine leaves it, taken over by another. */
    private static List<RunEvent> takenOver(String name, Map<String, String> params, Path work) throws Exception {
        LoadedRunbook runbook = Fixtures.load(name);
        RunRequest request = request(runbook, params, Interaction.NOBODY, work);
        List<RunEvent> all;
        try (Engine engine = new Engine(StandardSteps.all())) {
            all = engine.run(request, RunListener.NONE).events();
        }
        List<RunEvent> cut = new ArrayList<>();
        for (RunEvent event : all) {
            cut.add(event);
            if (event instanceof RunEvent.StepStarted started && started.key().equals("converge")) {
                break;
            }
        }
        try (Engine engine = new Engine(StandardSteps.all())) {
            return engine.takeOver(request, cut, "instance-b", "instance-a", RunListener.NONE, new RunControl()).events();
        }
    }

    private static void write(Path dir, Recorded recorded) throws IOException {
        ObjectNode json = JSON.createObjectNode();
        json.put("runbook", recorded.runbook());
        ObjectNode params = json.putObject("params");
        recorded.params().forEach(params::put);
        ArrayNode events = json.putArray("events");
        recorded.events().forEach(e -> events.add(RunEventJson.encode(e)));
        Files.writeString(dir.resolve(recorded.name() + ".json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json) + "\n");
    }
}
