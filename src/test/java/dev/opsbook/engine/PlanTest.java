package dev.opsbook.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opsbook.graph.LoadedRunbook;
import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.record.PlanJson;
import dev.opsbook.steps.StandardSteps;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlanTest {

    private static final RunbookLoader LOADER = new RunbookLoader(StandardSteps.all().catalog());

    private static final String RUNBOOK = """
            ---
            title: Restart the API
            timeout: 20m
            ---

            ```shell id=drain timeout=30s retries=2 backoff=5s idempotent=true rollback=undrain
            echo drain
            ```

            ```shell id=restart if="run.dryRun" on-failure=continue
            echo restart
            ```

            ```shell id=plain
            echo plain
            ```

            ```shell id=undrain
            echo undrain
            ```
            """;

    @Test
    void a_dry_run_plan_shows_every_attribute_that_shapes_how_a_step_runs_and_the_run_timeout() throws Exception {
        LoadedRunbook loaded = LOADER.load("restart.md", RUNBOOK);
        assertThat(loaded.diagnostics()).isEmpty();

        Plan plan = Plan.of(loaded, Map.of(), StandardSteps.all());

        assertThat(plan.timeout()).hasValue(java.time.Duration.ofMinutes(20));
        assertThat(plan.steps()).extracting(Plan.PlannedStep::attributesText).containsExactly(
                "retries=2 backoff=5s timeout=30s rollback=undrain idempotent=true", "on-failure=continue", "", "");
        JsonNode json = PlanJson.of(plan, loaded.runbook());
        assertThat(json.path("timeout").asText()).isEqualTo("20m");
        JsonNode drain = json.path("steps").get(0);
        assertThat(drain.path("timeout").asText()).isEqualTo("30s");
        assertThat(drain.path("retries").asInt()).isEqualTo(2);
        assertThat(drain.path("backoff").asText()).isEqualTo("5s");
        assertThat(drain.path("rollback").asText()).isEqualTo("undrain");
        assertThat(drain.path("idempotent").asBoolean()).isTrue();
        assertThat(json.path("steps").get(1).path("on-failure").asText()).isEqualTo("continue");
        assertThat(json.path("steps").get(2).has("timeout")).isFalse();
    }
}
