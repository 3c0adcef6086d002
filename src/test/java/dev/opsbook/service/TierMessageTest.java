package dev.opsbook.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.opsbook.engine.RunEvent;
import dev.opsbook.engine.RunResult;
import dev.opsbook.graph.LoadedRunbook;
import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.steps.StandardSteps;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Whoever a game day's drill pages sees at once that it is a drill, in the subject, the text and the webhook's fields. */
class TierMessageTest {

    private static final Instant T0 = Instant.parse("2026-12-02T03:00:00Z");
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private final LoadedRunbook runbook = new RunbookLoader(StandardSteps.all().catalog()).load("deploy.md", """
            ---
            title: Deploy
            owner: team-test
            ---

            ```shell id=deploy
            exit 1
            ```
            """);

    private TierMessage told(Optional<String> drill) {
        RunResult result = RunResult.of(runbook.runbook(), List.of(new RunEvent.RunStarted(T0, "r1", "deploy", "Deploy", "hash",
                JSON.objectNode(), JSON.objectNode(), "event e-1", "event", JSON.objectNode(), drill)));
        Occasions.Occasion failed = new Occasions.Occasion(Occasions.Kind.FAILED, "failed", Optional.empty(), T0, Duration.ZERO);
        return TierMessage.of(runbook, result, failed, 0, 2, Optional.of(URI.create("https://opsbook.example.com/")), T0.plusSeconds(60));
    }

    @Test
    void a_drill_says_so_in_the_subject_the_text_and_the_details() {
        TierMessage drill = told(Optional.of("gd-7"));

        assertThat(drill.subject()).startsWith("[DRILL] opsbook: deploy failed");
        assertThat(drill.text()).startsWith("[DRILL] This is a drill of game day gd-7");
        assertThat(drill.details().path("drill").asText()).isEqualTo("gd-7");
    }

    @Test
    void a_real_run_says_nothing_of_drills() {
        TierMessage real = told(Optional.empty());

        assertThat(real.subject()).startsWith("opsbook: deploy failed").doesNotContain("DRILL");
        assertThat(real.text()).doesNotContain("DRILL");
        assertThat(real.details().has("drill")).isFalse();
        assertThat(real.details().path("link").asText()).isEqualTo("https://opsbook.example.com/runs/r1");
    }
}
