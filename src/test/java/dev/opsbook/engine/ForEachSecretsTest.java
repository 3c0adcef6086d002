package dev.opsbook.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsbook.audit.AuditFacts;
import dev.opsbook.record.JsonSummary;
import dev.opsbook.record.MarkdownRecord;
import dev.opsbook.steps.StandardSteps;
import dev.opsbook.store.RunEventJson;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A for-each over secrets: each item runs with the secret itself, while everything kept or shown holds its mask. */
class ForEachSecretsTest {

    private static final String SECRET = "s3cr3t-value-42"; // the default of the fixture's secret parameter

    @TempDir
    Path workDir;

    @Test
    void an_item_over_a_secret_runs_with_the_secret_while_record_events_and_audit_hold_only_its_mask() throws Exception {
        List<String> kept = new CopyOnWriteArrayList<>();
        dev.opsbook.runbook.Runbook runbook = Fixtures.load("engine/foreach-secret.md").runbook();
        RunResult result = Fixtures.run("engine/foreach-secret.md", Map.of(), Interaction.NOBODY, workDir, new RunControl(),
                (event, state) -> {
                    kept.add(RunEventJson.write(event)); // as the store keeps it
                    AuditFacts.of(event, state, runbook).ifPresent(f -> kept.add(f.type() + " " + f.data()));
                });

        assertThat(result.state().execution("use[0]").orElseThrow().status())
                .as("the script compared {{ item }} with $token: " + result.state().execution("use[0]").orElseThrow().message())
                .isEqualTo(StepStatus.SUCCEEDED);
        assertThat(result.state().status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(result.state().execution("use[0]").orElseThrow().result().path("stdout").asText())
                .isEqualTo("used item 0: " + Redactor.MASK + "\n");
        String record = MarkdownRecord.render(result);
        assertThat(record).contains(Redactor.MASK).doesNotContain(SECRET);
        assertThat(JsonSummary.of(result, null).toString()).doesNotContain(SECRET);
        assertThat(String.join("\n", kept)).contains(Redactor.MASK).doesNotContain(SECRET);
    }

    @Test
    void an_items_if_sees_the_secret_itself() throws Exception {
        RunResult result = Fixtures.run("engine/foreach-secret-if.md", Map.of(), Interaction.NOBODY, workDir, new RunControl(),
                RunListener.NONE);

        assertThat(result.state().execution("use[0]").orElseThrow().status()).isEqualTo(StepStatus.SKIPPED);
        assertThat(result.state().execution("use[1]").orElseThrow().status()).isEqualTo(StepStatus.SUCCEEDED);
    }

    @Test
    void a_run_taken_over_from_the_store_refuses_an_item_over_a_secret_rather_than_run_it_with_the_mask() throws Exception {
        RunRequest request = new RunRequest(Fixtures.load("engine/foreach-secret.md"), Map.of(), "tester", "test",
                Interaction.NOBODY, Optional.empty(), workDir);
        List<RunEvent> events = new ArrayList<>();
        try (Engine engine = new Engine(StandardSteps.all())) {
            engine.run(request, (event, state) -> events.add(event));
        }
        List<RunEvent> history = new ArrayList<>();
        for (RunEvent event : events) {
            history.add(RunEventJson.read(RunEventJson.write(event)));
            if (event instanceof RunEvent.StepStarted started && started.key().equals("use")) {
                break; // listed, no item started: the engine stopped here
            }
        }

        RunResult taken;
        try (Engine engine = new Engine(StandardSteps.all())) {
            taken = engine.takeOver(request, history, "instance-b", "instance-a", RunListener.NONE, new RunControl());
        }

        StepExecution first = taken.state().execution("use[0]").orElseThrow();
        assertThat(first.status()).isEqualTo(StepStatus.FAILED);
        assertThat(first.message()).contains("params.token is a secret, and the store does not keep secrets");
        assertThat(first.attempts()).as("nothing ran with the mask").isEmpty();
    }
}
