package dev.opsbook.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.opsbook.access.ApiTokens;
import dev.opsbook.access.Role;
import dev.opsbook.aws.AwsSettings;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.service.Service;
import dev.opsbook.steps.StandardSteps;
import dev.opsbook.store.JdbcRunStore;
import dev.opsbook.store.RunStore;
import dev.opsbook.testing.Served;
import dev.opsbook.trigger.TriggerPatternCheck;
import io.quarkus.test.junit.QuarkusTest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sub-runbooks under serve, as a client of the REST API sees them: the child is a run of its own, answered and cancelled there. */
@QuarkusTest
class ChildRunsApiTest {

    private static final int MAX_RUNS = 2;

    @TempDir
    Path dir;

    private RunStore store;
    private Service service;
    private Served served;
    private String operator;
    private String approver;
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    @BeforeEach
    void start() throws Exception {
        Path runbooks = Files.createDirectories(dir.resolve("runbooks"));
        Files.writeString(runbooks.resolve("drain.md"), """
                ---
                id: drain
                parameters:
                  node: { type: string, required: true }
                outputs:
                  drained: steps.drain.result.json.drained
                ---

                ```shell id=drain
                echo "{\\"drained\\": \\"{{ params.node }}\\"}"
                ```
                """);
        Files.writeString(runbooks.resolve("recover.md"), """
                ---
                id: recover
                parameters:
                  node: { type: string, default: web-1 }
                ---

                ```runbook id=call
                runbook: drain
                parameters: { node: "{{ params.node }}" }
                ```

                ```shell id=after needs=call
                echo "drained {{ steps.call.outputs.drained }}"
                ```
                """);
        Files.writeString(runbooks.resolve("gated-child.md"), """
                ---
                id: gated-child
                ---

                ```approve id=allow
                prompt: "Drain it?"
                ```

                ```shell id=go
                echo went
                ```
                """);
        Files.writeString(runbooks.resolve("gated-parent.md"), """
                ---
                id: gated-parent
                ---

                ```runbook id=ask
                runbook: gated-child
                ```
                """);
        Files.writeString(runbooks.resolve("slow-child.md"), """
                ---
                id: slow-child
                ---

                ```shell id=sleep timeout=60s
                sleep 30
                ```
                """);
        Files.writeString(runbooks.resolve("slow-parent.md"), """
                ---
                id: slow-parent
                ---

                ```runbook id=wait
                runbook: slow-child
                ```
                """);
        Files.writeString(runbooks.resolve("counted.md"), """
                ---
                id: counted
                parameters:
                  n: { type: string, required: true }
                ---

                ```shell id=count
                echo + >> "%1$s"; sleep 1; echo - >> "%1$s"
                ```
                """.formatted(dir.resolve("in-flight.txt")));
        Files.writeString(runbooks.resolve("fan.md"), """
                ---
                id: fan
                ---

                ```shell id=list outputs="{items: json}"
                echo '["a","b","c","d","e","f"]'
                ```

                ```runbook id=each foreach="steps.list.outputs.items" concurrency=6
                runbook: counted
                parameters: { n: "{{ item }}" }
                ```
                """);
        Files.writeString(runbooks.resolve("drain-node.md"), """
                ---
                id: drain-node
                ---

                ```shell id=cordon rollback=uncordon
                echo cordoned
                ```

                ```shell id=uncordon
                echo uncordoned
                ```
                """);
        Files.writeString(runbooks.resolve("upgrade-node.md"), """
                ---
                id: upgrade-node
                ---

                ```runbook id=drain
                runbook: drain-node
                ```

                ```shell id=upgrade needs=drain
                exit 1
                ```
                """);
        store = JdbcRunStore.open(JdbcRunStore.embeddedUrl(dir.resolve("store")), "", "");
        RunbookLoader loader = new RunbookLoader(StandardSteps.all().catalog(), List.of(new TriggerPatternCheck()));
        service = new Service(new Service.Config(List.of(runbooks), dir.resolve("records"),
                new AwsSettings(Optional.of("us-east-1"), Optional.empty(), Optional.empty()), 3, MAX_RUNS, dir),
                store, loader, new PrintStream(log, true, StandardCharsets.UTF_8));
        served = Served.start(service);
        ApiTokens tokens = new ApiTokens(store.tokens(), Clock.systemUTC());
        operator = tokens.issue("otto", Set.of(Role.OPERATOR, Role.VIEWER)).secret();
        approver = tokens.issue("anna", Set.of(Role.APPROVER)).secret();
    }

    @AfterEach
    void stop() {
        served.close();
        service.close();
        store.close();
    }

    private HttpResponse<String> call(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(Served.base() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Authorization", "Bearer " + token);
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode ok(HttpResponse<String> response, int status) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return json.readTree(response.body());
    }

    private String launch(String runbook) throws Exception {
        return ok(call("POST", "/api/runbooks/" + runbook + "/runs", operator, "{\"parameters\":{}}"), 201).path("id").asText();
    }

    private void eventually(String what, BooleanSupplier condition) throws InterruptedException {
        dev.opsbook.testing.Eventually.until(what, Duration.ofSeconds(40), condition, () -> log.toString(StandardCharsets.UTF_8));
    }

    private RunStatus status(String runId) {
        return store.run(runId).map(r -> r.status()).orElse(null);
    }

    @Test
    void a_launched_parent_runs_its_child_as_a_run_of_its_own_listed_beside_it_and_reads_its_outputs() throws Exception {
        String parent = launch("recover");
        String child = parent + ".call";

        eventually("the parent succeeded", () -> status(parent) == RunStatus.SUCCEEDED);

        assertThat(status(child)).isEqualTo(RunStatus.SUCCEEDED);
        JsonNode runs = ok(call("GET", "/api/runs", operator, null), 200).path("runs");
        assertThat(runs.findValuesAsText("id")).contains(parent, child);
        for (JsonNode run : runs) {
            if (run.path("id").asText().equals(child)) {
                assertThat(run.path("startedBy").asText()).isEqualTo("runbook:" + parent + "/call");
                assertThat(run.path("runbook").asText()).isEqualTo("drain");
            }
        }
        JsonNode detail = ok(call("GET", "/api/runs/" + parent, operator, null), 200);
        assertThat(detail.toString()).contains("drained web-1");

        assertThat(call("GET", "/runs/" + parent, operator, null).body()).as("the parent's run page links its child")
                .contains("Child runs: <a href=\"/runs/" + child + "\">");
        assertThat(call("GET", "/runs/" + child, operator, null).body()).as("the child's run page links its parent")
                .contains("Child run of <a href=\"/runs/" + parent + "\">");
        assertThat(call("GET", "/runbooks/recover", operator, null).body()).as("the graph's runbook node links the child runbook")
                .contains("<a href=\"/runbooks/drain\" class=\"child-runbook\"><g class=\"step st-", "runbook drain");
    }

    @Test
    void a_child_waiting_for_an_approval_makes_its_parent_wait_and_its_approval_through_the_api_finishes_both() throws Exception {
        String parent = launch("gated-parent");
        String child = parent + ".ask";
        eventually("both wait", () -> status(parent) == RunStatus.WAITING && status(child) == RunStatus.WAITING);
        JsonNode waiting = ok(call("GET", "/api/runs/" + child, operator, null), 200);
        assertThat(waiting.path("approvals").get(0).path("approve").asText()).isEqualTo("/api/runs/" + child + "/steps/allow/approve");

        ok(call("POST", "/api/runs/" + child + "/steps/allow/approve", approver, "{}"), 200);

        eventually("the child then the parent succeeded", () -> status(child) == RunStatus.SUCCEEDED && status(parent) == RunStatus.SUCCEEDED);
        assertThat(store.runs(new dev.opsbook.store.RunQuery(Optional.of("gated-child"), Optional.empty(), Optional.empty(), 10)))
                .as("one child, not a second one started when the parent went on").hasSize(1);
    }

    @Test
    void a_parent_that_fails_after_its_child_succeeded_rolls_the_child_back_under_serve() throws Exception {
        String parent = launch("upgrade-node");
        String child = parent + ".drain";

        eventually("the parent failed", () -> status(parent) == RunStatus.FAILED);

        assertThat(status(child)).as("the child was rolled back, and ends failed").isEqualTo(RunStatus.FAILED);
        assertThat(store.events(child)).as("the child ran the rollback of its cordon")
                .anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(dev.opsbook.engine.RunEvent.StepFinished.class,
                        f -> assertThat(f.key()).isEqualTo("uncordon/for-cordon")));
        assertThat(store.run(parent).orElseThrow().message()).doesNotContain("cannot roll back a child run");
    }

    @Test
    void cancelling_the_parent_through_the_api_cancels_its_running_child() throws Exception {
        String parent = launch("slow-parent");
        String child = parent + ".wait";
        eventually("the child runs", () -> status(child) == RunStatus.RUNNING && store.events(child).size() > 1);

        assertThat(call("POST", "/api/runs/" + parent + "/cancel", operator, "{}").statusCode()).isEqualTo(202);

        eventually("both cancelled", () -> status(parent) == RunStatus.CANCELLED && status(child) == RunStatus.CANCELLED);
    }

    @Test
    void a_for_each_over_a_runbook_step_runs_no_more_children_at_once_than_max_runs_whatever_its_concurrency() throws Exception {
        String parent = launch("fan");

        eventually("the parent succeeded", () -> status(parent) == RunStatus.SUCCEEDED);

        List<String> marks = Files.readAllLines(dir.resolve("in-flight.txt"));
        assertThat(marks).hasSize(12);
        int inFlight = 0;
        int most = 0;
        for (String mark : marks) {
            inFlight += mark.equals("+") ? 1 : -1;
            most = Math.max(most, inFlight);
        }
        assertThat(most).as("children of top runs at once on this instance").isEqualTo(MAX_RUNS);
        assertThat(store.runs(new dev.opsbook.store.RunQuery(Optional.of("counted"), Optional.empty(), Optional.empty(), 10))).hasSize(6)
                .allMatch(r -> r.status() == RunStatus.SUCCEEDED);
    }
}
