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
import java.io.IOException;
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

/** Comments through the API: who may add, edit and delete them, what is refused, and where they show (record, file, audit trail). */
@QuarkusTest
class CommentsApiTest {

    @TempDir
    Path dir;

    private RunStore store;
    private Service service;
    private Served served;
    private String base;
    private String viewer;
    private String operator;
    private String approver;
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    @BeforeEach
    void start() throws Exception {
        Path runbooks = Files.createDirectories(dir.resolve("runbooks"));
        Files.write(runbooks.resolve("flaky.md"), getClass().getResourceAsStream("/api/flaky.md").readAllBytes());
        store = JdbcRunStore.open(JdbcRunStore.embeddedUrl(dir.resolve("store")), "", "");
        RunbookLoader loader = new RunbookLoader(StandardSteps.all().catalog(), List.of(new TriggerPatternCheck()));
        service = new Service(new Service.Config(List.of(runbooks), dir.resolve("records"),
                new AwsSettings(Optional.of("us-east-1"), Optional.empty(), Optional.empty()), 3, 4, dir),
                store, loader, new PrintStream(log, true, StandardCharsets.UTF_8));
        served = Served.start(service);
        base = Served.base();
        ApiTokens tokens = new ApiTokens(store.tokens(), Clock.systemUTC());
        viewer = tokens.issue("vera", Set.of(Role.VIEWER)).secret();
        operator = tokens.issue("otto", Set.of(Role.OPERATOR)).secret();
        approver = tokens.issue("anna", Set.of(Role.OPERATOR, Role.APPROVER)).secret();
    }

    @AfterEach
    void stop() {
        served.close();
        service.close();
        store.close();
    }

    @Test
    void an_operator_comments_on_a_failed_run_and_its_step_and_the_record_its_file_and_the_audit_trail_show_it() throws Exception {
        String run = failedRun();
        JsonNode onRun = ok(call("POST", comments(run), operator, "{\"text\":\"Paged the DBA; see [link](http://x) <b>now</b>\"}"), 201);
        JsonNode onStep = ok(call("POST", comments(run), approver, "{\"text\":\"flag file was missing\",\"step\":\"deploy\"}"), 201);

        assertThat(onRun.path("author").asText()).startsWith("otto (tok-");
        assertThat(onRun.path("step").isNull()).isTrue();
        assertThat(onStep.path("step").asText()).isEqualTo("deploy");
        JsonNode listed = ok(call("GET", comments(run), viewer, null), 200).path("comments");
        assertThat(listed.findValuesAsText("text")).containsExactly("Paged the DBA; see [link](http://x) <b>now</b>", "flag file was missing");

        String record = call("GET", "/api/runs/" + run + "/record", viewer, null).body();
        assertThat(record).contains("## Comments", "on step `deploy`", "flag file was missing",
                "Paged the DBA; see \\[link\\](http://x) \\<b\\>now\\</b\\>");
        eventually("the record file under --record-dir is written again", () -> fileOf(run).contains("flag file was missing"));

        JsonNode trail = ok(call("GET", "/api/runs/" + run + "/audit", viewer, null), 200).path("entries");
        List<JsonNode> added = entries(trail, "comment-added");
        assertThat(added).hasSize(2);
        assertThat(added.get(1).path("data").path("step").asText()).isEqualTo("deploy");
        assertThat(added.get(1).path("data").path("by").asText()).startsWith("anna (tok-");
        assertThat(trail.toString()).as("the trail names the comment, not its text").doesNotContain("flag file was missing");
        assertThat(ok(call("GET", "/api/runs/" + run + "/audit/verification", viewer, null), 200).path("valid").asBoolean()).isTrue();
        assertThat(store.events(run).toString()).as("the run's history is not rewritten").doesNotContain("flag file was missing");
    }

    @Test
    void only_the_author_edits_or_deletes_a_comment_and_a_viewer_adds_none() throws Exception {
        String run = failedRun();
        String id = ok(call("POST", comments(run), operator, "{\"text\":\"first\"}"), 201).path("id").asText();

        HttpResponse<String> byViewer = call("POST", comments(run), viewer, "{\"text\":\"me too\"}");
        assertThat(byViewer.statusCode()).isEqualTo(403);
        HttpResponse<String> editByOther = call("PUT", comments(run) + "/" + id, approver, "{\"text\":\"hijacked\"}");
        assertThat(editByOther.statusCode()).isEqualTo(403);
        assertThat(json.readTree(editByOther.body()).path("detail").asText()).contains("only its author may edit it", "otto (tok-");
        assertThat(call("DELETE", comments(run) + "/" + id, approver, null).statusCode()).isEqualTo(403);

        JsonNode edited = ok(call("PUT", comments(run) + "/" + id, operator, "{\"text\":\"second\"}"), 200);
        assertThat(edited.path("text").asText()).isEqualTo("second");
        assertThat(edited.path("editedAt").isTextual()).isTrue();
        assertThat(call("GET", "/api/runs/" + run + "/record", viewer, null).body()).contains("second", "(edited ").doesNotContain("first");

        assertThat(call("DELETE", comments(run) + "/" + id, operator, null).statusCode()).isEqualTo(204);
        assertThat(ok(call("GET", comments(run), viewer, null), 200).path("comments")).isEmpty();
        assertThat(call("GET", "/api/runs/" + run + "/record", viewer, null).body()).doesNotContain("## Comments");
        assertThat(call("DELETE", comments(run) + "/" + id, operator, null).statusCode()).as("gone").isEqualTo(404);
        JsonNode trail = ok(call("GET", "/api/runs/" + run + "/audit", viewer, null), 200).path("entries");
        assertThat(entries(trail, "comment-edited")).hasSize(1);
        assertThat(entries(trail, "comment-deleted")).singleElement().satisfies(e -> assertThat(e.path("data").path("comment").asText()).isEqualTo(id));
    }

    @Test
    void bad_comments_are_400_problems_saying_what_is_wrong_and_unknown_runs_404() throws Exception {
        String run = failedRun();
        assertThat(problem(call("POST", comments(run), operator, "{\"text\":\"  \"}"), 400)).contains("needs some text");
        assertThat(problem(call("POST", comments(run), operator, "{}"), 400)).contains("{\"text\": \"...\"}");
        assertThat(problem(call("POST", comments(run), operator, "{\"text\":\"" + "x".repeat(4001) + "\"}"), 400))
                .contains("at most 4000 characters; this one has 4001");
        assertThat(problem(call("POST", comments(run), operator, "{\"text\":\"hi\",\"step\":\"nowhere\"}"), 400))
                .contains("has no step 'nowhere'");
        assertThat(problem(call("POST", comments(run), operator, "{\"text\":\"hi\",\"step\":3}"), 400)).contains("\"step\" is a step id");
        assertThat(problem(call("POST", comments(run), operator, "not json"), 400)).isNotBlank();
        assertThat(problem(call("POST", comments("no-such-run"), operator, "{\"text\":\"hi\"}"), 404)).contains("no run no-such-run");
        assertThat(problem(call("PUT", comments(run) + "/999", operator, "{\"text\":\"hi\"}"), 404)).contains("has no comment 999");
        assertThat(ok(call("POST", comments(run), operator, "{\"text\":\"" + "y".repeat(4000) + "\",\"step\":\"verify\"}"), 201)
                .path("text").asText()).hasSize(4000);
    }

    private String failedRun() throws Exception {
        String run = ok(call("POST", "/api/runbooks/flaky/runs", operator, "{\"parameters\":{\"flag\":\"/nonexistent\"}}"), 201).path("id").asText();
        eventually("it failed", () -> store.run(run).orElseThrow().status() == RunStatus.FAILED);
        return run;
    }

    private static String comments(String run) {
        return "/api/runs/" + run + "/comments";
    }

    private String fileOf(String run) {
        try {
            return Files.readString(dir.resolve("records/flaky/" + run + ".md"));
        } catch (IOException e) {
            return "";
        }
    }

    private static List<JsonNode> entries(JsonNode trail, String type) {
        List<JsonNode> found = new java.util.ArrayList<>();
        trail.forEach(e -> {
            if (e.path("type").asText().equals(type)) {
                found.add(e);
            }
        });
        return found;
    }

    private HttpResponse<String> call(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        request.header("Authorization", "Bearer " + token);
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode ok(HttpResponse<String> response, int status) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return json.readTree(response.body());
    }

    private String problem(HttpResponse<String> response, int status) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/problem+json");
        return json.readTree(response.body()).path("detail").asText();
    }

    private void eventually(String what, BooleanSupplier condition) throws InterruptedException {
        dev.opsbook.testing.Eventually.until(what, Duration.ofSeconds(30), condition, () -> log.toString(StandardCharsets.UTF_8));
    }
}
