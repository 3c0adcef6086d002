package dev.opsbook.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsbook.graph.LoadedRunbook;
import dev.opsbook.steps.StandardSteps;
import dev.opsbook.store.RunEventJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A for-each step whose engine stopped with an item in flight: the items that ended are not run again. */
class ForEachTakeOverTest {

    @TempDir
    Path workDir;

    @Test
    void after_a_takeover_completed_items_are_not_run_again_and_the_item_in_flight_is_resolved_by_its_key() throws Exception {
        LoadedRunbook runbook = Fixtures.load("engine/foreach-takeover.md");
        Path log = workDir.resolve("touched.txt");
        RunRequest request = new RunRequest(runbook, Map.of("log", log.toString()), "tester", "test", Interaction.NOBODY, Optional.empty(), workDir);
        List<RunEvent> events = new ArrayList<>();
        try (Engine engine = new Engine(StandardSteps.all())) {
            engine.run(request, (event, state) -> events.add(event));
        }
        List<RunEvent> history = new ArrayList<>();
        for (RunEvent event : events) {
            history.add(RunEventJson.read(RunEventJson.write(event))); // as the store keeps it
            if (event instanceof RunEvent.StepStarted started && started.key().equals("touch[2]")) {
                break;
            }
        }
        Files.writeString(log, "");

        RunResult taken;
        try (Engine engine = new Engine(StandardSteps.all())) {
            taken = engine.takeOver(request, history, "instance-b", "instance-a", RunListener.NONE, new RunControl());
        }

        assertThat(taken.state().status()).isEqualTo(RunStatus.NEEDS_ATTENTION);
        assertThat(taken.state().message()).contains("(item touch[2])")
                .contains("opsbook resolve " + taken.state().runId() + " touch[2] --retry, --skip or --fail");
        assertThat(Files.readString(log)).as("nothing ran again on its own").isEmpty();

        List<RunEvent> resolved = new ArrayList<>(taken.events());
        resolved.add(new RunEvent.StepResolved(Instant.now(), "touch[2]", Resolution.RETRY, "carol", "c was not touched"));
        RunResult resumed;
        try (Engine engine = new Engine(StandardSteps.all())) {
            resumed = engine.resume(request, resolved, "carol", RunListener.NONE, new RunControl());
        }

        assertThat(resumed.state().status()).as(resumed.state().message()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(Files.readString(log)).as("items 0 and 1 ended before the takeover").isEqualTo("c\nd\n");
        assertThat(resumed.state().execution("touch").orElseThrow().message()).isEqualTo("4 items: 4 succeeded");
    }
}
