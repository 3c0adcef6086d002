package dev.opsbook.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsbook.graph.LoadedRunbook;
import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.steps.StandardSteps;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An engine per run (as the service makes them) leaves no step thread behind once closed. */
class EngineCloseTest {

    @TempDir
    Path dir;

    private static Set<Thread> stepThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("opsbook-step-") && t.isAlive())
                .collect(Collectors.toSet());
    }

    @Test
    void a_closed_engine_whose_run_waits_for_an_approval_keeps_no_thread() throws Exception {
        LoadedRunbook runbook = new RunbookLoader(StandardSteps.all().catalog()).load("gate.md", """
                ---
                title: Gate
                owner: test
                description: Waits for a person.
                ---

                ```approve id=allow
                prompt: "Go?"
                ```
                """);
        Set<Thread> before = stepThreads();
        RunResult result;
        try (Engine engine = new Engine(StandardSteps.all())) {
            result = engine.run(new RunRequest(runbook, Map.of(), "test", "event", Interaction.NOBODY, Optional.empty(), dir), RunListener.NONE);
        }
        assertThat(result.state().status()).isEqualTo(RunStatus.WAITING);
        long deadline = System.nanoTime() + 5_000_000_000L;
        Set<Thread> mine = stepThreads();
        mine.removeAll(before);
        while (mine.stream().anyMatch(Thread::isAlive) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(mine).noneMatch(Thread::isAlive);
    }
}
