package dev.opsbook.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.record.JsonSummary;
import dev.opsbook.record.PlanJson;
import dev.opsbook.steps.StandardSteps;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a for-each step is shown outside the record: the JSON summary and the dry run's plan; and a python step per item. */
class ForEachPresentationTest {

    @TempDir
    Path workDir;

    private RunResult run(String fixture) throws Exception {
        return Fixtures.run(fixture, Map.of(), Fixtures.answering(FixtureRun.Answers.YES), workDir, new RunControl(), RunListener.NONE);
    }

    @Test
    void the_json_summary_lists_a_for_each_step_once_with_its_items_in_input_order() throws Exception {
        ObjectNode summary = JsonSummary.of(run("engine/foreach-errors.md"), null);

        List<JsonNode> steps = StreamSupport.stream(summary.get("steps").spliterator(), false).toList();
        assertThat(steps).extracting(s -> s.get("role").asText()).doesNotContain("item");
        JsonNode act = steps.stream().filter(s -> s.get("id").asText().equals("act") && s.get("role").asText().equals("normal"))
                .findFirst().orElseThrow();
        assertThat(act.get("foreach").asText()).isEqualTo("steps.list.outputs.names");
        assertThat(act.get("message").asText()).endsWith("5 items: 2 succeeded, 2 failed, 1 not started");
        assertThat(StreamSupport.stream(act.get("items").spliterator(), false)
                .map(i -> i.get("index").asInt() + " " + i.get("item").asText() + " " + i.get("status").asText()).toList())
                .containsExactly("0 a succeeded", "1 bad1 failed", "2 b succeeded", "3 bad2 failed", "4 c not-started");
        assertThat(act.at("/items/1/message").asText()).contains("exit code 3");
    }

    @Test
    void a_dry_run_shows_the_items_a_for_each_would_run_over_when_parameters_decide_them() throws Exception {
        Plan plan = Plan.of(Fixtures.load("engine/foreach-approve.md"), Map.of(), StandardSteps.all());

        Plan.PlannedStep allow = plan.steps().get(0);
        assertThat(allow.forEach().orElseThrow().describe(plan.redactor()))
                .isEqualTo("for each of 2 items of params.hosts (concurrency=1, max-errors=0): web-1, web-2");
        assertThat(allow.input().path("prompt").asText()).as(allow.input().toString() + "item is an item's, shown as written").isEqualTo("Restart {{ item }}?");
        JsonNode json = PlanJson.of(plan, Fixtures.load("engine/foreach-approve.md").runbook()).at("/steps/0/foreach");
        assertThat(json.toString()).isEqualTo("{\"expression\":\"params.hosts\",\"concurrency\":1,\"maxErrors\":\"0\",\"items\":[\"web-1\",\"web-2\"]}");
    }

    @Test
    void a_dry_run_says_a_list_from_an_earlier_step_is_decided_at_run_time() throws Exception {
        Plan plan = Plan.of(Fixtures.load("engine/foreach-errors.md"), Map.of(), StandardSteps.all());

        Plan.PlannedStep act = plan.steps().stream().filter(s -> s.id().equals("act")).findFirst().orElseThrow();
        assertThat(act.forEach().orElseThrow().describe(plan.redactor()))
                .isEqualTo("for each item of steps.list.outputs.names, decided at run time (concurrency=1, max-errors=1)");
        assertThat(plan.steps().stream().filter(s -> s.id().equals("list")).findFirst().orElseThrow().forEach()).isEmpty();
    }

    @Test
    void a_python_step_with_foreach_sees_item_and_index() throws Exception {
        RunResult result = run("engine/foreach-python.md");

        assertThat(result.state().status()).as(result.state().message()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(result.state().execution("shout[1]").orElseThrow().result().path("stdout").asText()).isEqualTo("1: beta\n");
        assertThat(result.state().context().at("/steps/shout/outputs/loud").toString()).isEqualTo("[\"ALPHA!\",\"BETA!!\"]");
    }

    @Test
    void an_items_audit_entries_name_it_without_its_secret_value() throws Exception {
        java.util.List<String> entries = new java.util.concurrent.CopyOnWriteArrayList<>();
        dev.opsbook.runbook.Runbook runbook = Fixtures.load("engine/foreach-secret.md").runbook();
        RunResult result = Fixtures.run("engine/foreach-secret.md", Map.of(), Interaction.NOBODY, workDir, new RunControl(),
                (event, state) -> dev.opsbook.audit.AuditFacts.of(event, state, runbook).ifPresent(f -> entries.add(f.type() + " " + f.data())));

        assertThat(result.state().status()).as(result.state().message()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(String.join("\n", entries)).doesNotContain("s3cr3t-value-42")
                .contains("step-finished {\"step\":\"use\",\"item\":0,\"value\":\"" + Redactor.MASK + "\"")
                .contains("step-finished {\"step\":\"use\",\"item\":1,\"value\":\"plain\"");
    }
}
