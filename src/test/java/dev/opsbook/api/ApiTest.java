package dev.opsbook.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.opsbook.access.AccessAudit;
import dev.opsbook.access.ApiTokens;
import dev.opsbook.access.Role;
import dev.opsbook.audit.AuditVerifier;
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
import java.time.Duration;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The REST API as a client sees it, over the real service: H2 on disk, ElasticMQ, real shell steps. */
@QuarkusTest
class ApiTest {

    @TempDir
    Path dir;

    private RunStore store;
    private Service service;
    private Served served;
    private String base;
    private String viewer;
    private String operator;
    private String approver;
    private String otherApprover;
    private String operatorAndApprover;
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    @BeforeEach
    void start() throws Exception {
        Path runbooks = Files.createDirectories(dir.resolve("runbooks"));
        for (String name : List.of("four-eyes.md", "flaky.md", "slow.md", "named-approvers.md")) {
            Files.write(runbooks.resolve(name), getClass().getResourceAsStream("/api/" + name).readAllBytes());
        }
        Files.write(runbooks.resolve("gated.md"), new String(getClass().getResourceAsStream("/service/gated.md").readAllBytes(),
                StandardCharsets.UTF_8).replace("ESCALATION_URL", "http://127.0.0.1:9/escalate").replace(" timeout=1s", "").getBytes(StandardCharsets.UTF_8));
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
        approver = tokens.issue("otto", Set.of(Role.APPROVER)).secret();
        otherApprover = tokens.issue("anna", Set.of(Role.APPROVER)).secret();
        operatorAndApprover = tokens.issue("olga", Set.of(Role.OPERATOR, Role.APPROVER)).secret();
    }

    @AfterEach
    void stop() {
        served.close();
        service.close();
        store.close();
    }

    private HttpResponse<String> call(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode ok(HttpResponse<String> response, int status) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return json.readTree(response.body());
    }

    private void eventually(String what, BooleanSupplier condition) throws InterruptedException {
        dev.opsbook.testing.Eventually.until(what, Duration.ofSeconds(30), condition, () -> log.toString(StandardCharsets.UTF_8));
    }

    private RunStatus status(String runId) {
        return store.run(runId).orElseThrow().status();
    }

    private String launch(String runbook, String token, String parameters) throws Exception {
        return ok(call("POST", "/api/runbooks/" + runbook + "/runs", token, "{\"parameters\":" + parameters + "}"), 201).path("id").asText();
    }

    /** Every route: 401 without a token, 403 with a token that lacks its role, and not 401/403 with one that has it. */
    @Test
    void every_route_answers_401_without_a_token_403_with_a_wrong_role_and_serves_the_right_one() throws Exception {
        String run = launch("gated", operator, "{\"change\":\"CHG-1\"}");
        eventually("it waits", () -> status(run) == RunStatus.WAITING);
        record Case(String method, String path, Role role, String body, int expected) {
        }
        List<Case> cases = List.of(
                new Case("GET", "/api/runbooks", Role.VIEWER, null, 200),
                new Case("GET", "/api/runbooks/gated", Role.VIEWER, null, 200),
                new Case("POST", "/api/runbooks/flaky/runs", Role.OPERATOR, "{\"parameters\":{\"flag\":\"/nonexistent\"},\"dryRun\":true}", 200),
                new Case("POST", "/api/validate", Role.VIEWER, "{\"text\":\"# nothing\"}", 200),
                new Case("GET", "/api/runs", Role.VIEWER, null, 200),
                new Case("GET", "/api/stats", Role.VIEWER, null, 200),
                new Case("GET", "/api/runs/" + run, Role.VIEWER, null, 200),
                new Case("GET", "/api/runs/" + run + "/record", Role.VIEWER, null, 200),
                new Case("GET", "/api/runs/" + run + "/audit", Role.VIEWER, null, 200),
                new Case("GET", "/api/runs/" + run + "/diff/" + run, Role.VIEWER, null, 200),
                new Case("GET", "/api/runs/" + run + "/audit/verification", Role.VIEWER, null, 200),
                new Case("POST", "/api/runs/" + run + "/steps/nope/approve", Role.APPROVER, "{}", 409),
                new Case("POST", "/api/runs/" + run + "/steps/nope/reject", Role.APPROVER, "{}", 409),
                new Case("POST", "/api/runs/" + run + "/resume", Role.OPERATOR, "{\"fromStep\":\"apply\"}", 409),
                new Case("POST", "/events", Role.OPERATOR, "{\"not\":\"an event\"}", 200),
                new Case("GET", "/api/gamedays", Role.VIEWER, null, 200),
                new Case("GET", "/api/gamedays/gd-none", Role.VIEWER, null, 404),
                new Case("GET", "/api/gamedays/gd-none/report", Role.VIEWER, null, 404),
                new Case("POST", "/api/gamedays", Role.OPERATOR, "{\"name\":\"no events\"}", 422),
                new Case("GET", "/api/incidents", Role.VIEWER, null, 200),
                new Case("GET", "/api/incidents/INC-none", Role.VIEWER, null, 404),
                new Case("GET", "/api/incidents/INC-none/report", Role.VIEWER, null, 404),
                new Case("POST", "/api/runs/" + run + "/cancel", Role.OPERATOR, "{}", 200));
        for (Case c : cases) {
            HttpResponse<String> none = call(c.method(), c.path(), null, c.body());
            assertThat(none.statusCode()).as(c.method() + " " + c.path() + " without a token").isEqualTo(401);
            assertThat(none.headers().firstValue("Content-Type")).contains("application/problem+json");
            if (c.role() != Role.VIEWER) {
                HttpResponse<String> wrong = call(c.method(), c.path(), c.role() == Role.OPERATOR ? otherApprover : viewer, c.body());
                assertThat(wrong.statusCode()).as(c.method() + " " + c.path() + " with a wrong role").isEqualTo(403);
                assertThat(json.readTree(wrong.body()).path("detail").asText()).contains("needs " + c.role().label());
            }
            String token = switch (c.role()) {
                case VIEWER -> viewer;
                case OPERATOR -> operator;
                case APPROVER -> otherApprover;
            };
            HttpResponse<String> right = call(c.method(), c.path(), token, c.body());
            assertThat(right.statusCode()).as(c.method() + " " + c.path() + ": " + right.body()).isEqualTo(c.expected());
        }
    }

    @Test
    void two_runs_of_two_versions_of_a_runbook_are_compared_and_an_unknown_run_is_a_404_problem() throws Exception {
        Path cli = Files.createDirectories(dir.resolve("cli"));
        dev.opsbook.testing.TwoVersions runs = dev.opsbook.testing.TwoVersions.run(cli, JdbcRunStore.embeddedUrl(dir.resolve("store")), store);
        JsonNode diff = ok(call("GET", "/api/runs/" + runs.runA() + "/diff/" + runs.runB(), viewer, null), 200);
        assertThat(diff.at("/a/run").asText()).isEqualTo(runs.runA());
        assertThat(diff.at("/a/status").asText()).isEqualTo("failed");
        assertThat(diff.at("/b/status").asText()).isEqualTo("succeeded");
        assertThat(diff.path("sameRunbook").asBoolean()).isTrue();
        JsonNode service = diff.path("parameters").findParents("name").stream().filter(p -> p.path("name").asText().equals("service")).findFirst().orElseThrow();
        assertThat(service.toString()).isEqualTo("{\"name\":\"service\",\"a\":\"web\",\"b\":\"api\",\"change\":\"changed\"}");
        JsonNode copy = diff.path("steps").findParents("key").stream().filter(p -> p.path("key").asText().equals("copy")).findFirst().orElseThrow();
        assertThat(copy.at("/a/status").asText()).isEqualTo("succeeded, rolled back");
        assertThat(copy.path("changed").asBoolean()).isTrue();
        assertThat(diff.at("/runbookText/diff").asText()).contains("-```shell id=old-step", "+```shell id=tell");
        assertThat(diff.toString()).doesNotContain(dev.opsbook.testing.TwoVersions.TOKEN_A, dev.opsbook.testing.TwoVersions.TOKEN_B);

        HttpResponse<String> missing = call("GET", "/api/runs/" + runs.runA() + "/diff/20990101-000000-000000000000", viewer, null);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(json.readTree(missing.body()).path("detail").asText()).startsWith("no run 20990101-000000-000000000000 in ");
    }

    @Test
    void runbooks_are_listed_with_their_parameter_schema_owner_approval_policy_and_last_runs() throws Exception {
        String run = launch("flaky", operator, "{\"flag\":\"/nonexistent\"}");
        eventually("it failed", () -> status(run) == RunStatus.FAILED);
        JsonNode all = ok(call("GET", "/api/runbooks", viewer, null), 200).path("runbooks");
        assertThat(all.findValuesAsText("id")).contains("four-eyes", "flaky", "slow", "gated");
        JsonNode fourEyes = ok(call("GET", "/api/runbooks/four-eyes", viewer, null), 200);
        assertThat(fourEyes.path("owner").asText()).isEqualTo("team-test");
        assertThat(fourEyes.path("approval").path("separateApprover").asBoolean()).isTrue();
        assertThat(fourEyes.path("parameters").path("properties").path("change").path("pattern").asText()).isEqualTo("^CHG-[0-9]+$");
        assertThat(fourEyes.path("parameters").path("properties").path("replicas").path("type").asText()).isEqualTo("integer");
        assertThat(fourEyes.path("parameters").path("required").toString()).isEqualTo("[\"change\"]");
        assertThat(ok(call("GET", "/api/runbooks/gated", viewer, null), 200).path("triggers").get(0).path("parameters").path("change").asText())
                .isEqualTo("detail.change");
        assertThat(ok(call("GET", "/api/runbooks/flaky", viewer, null), 200).path("lastRuns").get(0).path("id").asText()).isEqualTo(run);
        HttpResponse<String> missing = call("GET", "/api/runbooks/nope", viewer, null);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(json.readTree(missing.body()).path("detail").asText()).contains("no runbook or playbook 'nope'", "four-eyes");
    }

    @Test
    void validating_a_text_gives_diagnostics_at_line_and_column() throws Exception {
        String text = "---\ntitle: Broken\n---\n\n```shell id=a needs=nowhere\necho hi\n```\n";
        JsonNode result = ok(call("POST", "/api/validate", viewer, json.createObjectNode().put("text", text).put("file", "broken.md").toString()), 200);
        assertThat(result.path("valid").asBoolean()).isFalse();
        JsonNode first = result.path("diagnostics").get(0);
        assertThat(first.path("line").asInt()).isEqualTo(5);
        assertThat(first.path("column").asInt()).isPositive();
        assertThat(first.path("text").asText()).startsWith("broken.md:5:").contains("nowhere");
        HttpResponse<String> markdown = http.send(HttpRequest.newBuilder(URI.create(base + "/api/validate?file=ok.md"))
                .header("Authorization", "Bearer " + viewer).header("Content-Type", "text/markdown")
                .POST(HttpRequest.BodyPublishers.ofString("# Fine\n\n```shell id=a\necho hi\n```\n")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(ok(markdown, 200).path("valid").asBoolean()).isTrue();
    }

    @Test
    void a_launch_types_and_checks_its_parameters_and_a_dry_run_answers_the_plan_without_running() throws Exception {
        HttpResponse<String> bad = call("POST", "/api/runbooks/four-eyes/runs", operator, "{\"parameters\":{\"change\":\"nope\",\"replicas\":\"many\"}}");
        assertThat(bad.statusCode()).isEqualTo(422);
        assertThat(bad.headers().firstValue("Content-Type")).contains("application/problem+json");
        JsonNode problem = json.readTree(bad.body());
        assertThat(problem.path("problems").toString()).contains("change", "replicas");
        assertThat(problem.path("parameters").path("properties").has("change")).isTrue();
        HttpResponse<String> unknownMember = call("POST", "/api/runbooks/four-eyes/runs", operator, "{\"params\":{}}");
        assertThat(unknownMember.statusCode()).isEqualTo(400);
        assertThat(unknownMember.body()).contains("unknown member 'params'");

        JsonNode plan = ok(call("POST", "/api/runbooks/four-eyes/runs", operator,
                "{\"parameters\":{\"change\":\"CHG-7\",\"replicas\":3},\"dryRun\":true}"), 200);
        assertThat(plan.path("dryRun").asBoolean()).isTrue();
        assertThat(plan.path("parameters").path("replicas").asInt()).isEqualTo(3);
        assertThat(plan.path("steps").toString()).contains("applying {{ params.change }}".isEmpty() ? "" : "CHG-7");
        assertThat(store.runs(dev.opsbook.store.RunQuery.latest(10))).as("a dry run runs nothing").isEmpty();

        HttpResponse<String> launched = call("POST", "/api/runbooks/four-eyes/runs", operator, "{\"parameters\":{\"change\":\"CHG-7\",\"replicas\":3}}");
        JsonNode run = ok(launched, 201);
        assertThat(launched.headers().firstValue("Location")).contains("/api/runs/" + run.path("id").asText());
        assertThat(run.path("trigger").asText()).isEqualTo("api");
        assertThat(run.path("startedBy").asText()).startsWith("otto (tok-");
    }

    @Test
    void runs_are_listed_filtered_and_paged_and_each_shows_its_steps_attempts_and_outputs() throws Exception {
        String failed = launch("flaky", operator, "{\"flag\":\"/nonexistent\"}");
        eventually("it failed", () -> status(failed) == RunStatus.FAILED);
        String waiting = launch("gated", operator, "{\"change\":\"CHG-2\"}");
        eventually("it waits", () -> status(waiting) == RunStatus.WAITING);
        String second = launch("gated", operator, "{\"change\":\"CHG-3\"}");
        eventually("it waits", () -> status(second) == RunStatus.WAITING);

        assertThat(ok(call("GET", "/api/runs?status=failed", viewer, null), 200).path("runs").findValuesAsText("id")).containsExactly(failed);
        assertThat(ok(call("GET", "/api/runs?runbook=gated", viewer, null), 200).path("runs").findValuesAsText("id")).containsExactly(second, waiting);
        assertThat(ok(call("GET", "/api/runs?trigger=event", viewer, null), 200).path("runs")).isEmpty();
        assertThat(ok(call("GET", "/api/runs?since=2100-01-01T00:00:00Z", viewer, null), 200).path("runs")).isEmpty();
        assertThat(ok(call("GET", "/api/runs?until=2100-01-01T00:00:00Z", viewer, null), 200).path("runs")).hasSize(3);
        JsonNode page1 = ok(call("GET", "/api/runs?limit=2", viewer, null), 200);
        assertThat(page1.path("runs")).hasSize(2);
        JsonNode page2 = ok(call("GET", page1.path("next").asText(), viewer, null), 200);
        assertThat(page2.path("runs").findValuesAsText("id")).containsExactly(failed);
        assertThat(page2.path("next").isNull()).isTrue();
        HttpResponse<String> badStatus = call("GET", "/api/runs?status=broken", viewer, null);
        assertThat(badStatus.statusCode()).isEqualTo(400);
        assertThat(badStatus.body()).contains("running, succeeded, failed, cancelled, waiting");
        assertThat(call("GET", "/api/runs?since=yesterday", viewer, null).body()).contains("2026-11-23T03:00:00Z", "24h");

        JsonNode detail = ok(call("GET", "/api/runs/" + failed, viewer, null), 200);
        assertThat(detail.path("status").asText()).isEqualTo("failed");
        assertThat(detail.path("steps").findValuesAsText("step")).containsExactly("prepare", "deploy");
        assertThat(detail.path("steps").get(0).path("attempts").get(0).path("succeeded").asBoolean()).isTrue();
        assertThat(detail.path("steps").get(1).path("status").asText()).isEqualTo("failed");
        JsonNode gated = ok(call("GET", "/api/runs/" + waiting, viewer, null), 200);
        assertThat(gated.path("approvals").get(0).path("state").asText()).isEqualTo("waiting");
        assertThat(gated.path("approvals").get(0).path("approve").asText()).isEqualTo("/api/runs/" + waiting + "/steps/allow/approve");
        assertThat(call("GET", "/api/runs/no-such-run", viewer, null).statusCode()).isEqualTo(404);
    }

    @Test
    void runs_are_found_by_the_words_of_their_parameters_output_and_starter_and_a_bad_search_is_a_400_saying_why() throws Exception {
        String failed = launch("flaky", operator, "{\"flag\":\"/srv/missing-flagfile\"}");
        eventually("it failed", () -> status(failed) == RunStatus.FAILED);
        String waiting = launch("gated", operator, "{\"change\":\"CHG-2\"}");
        eventually("it waits", () -> status(waiting) == RunStatus.WAITING);

        assertThat(ids("/api/runs?q=missing-flagfile")).as("a parameter's value").containsExactly(failed);
        assertThat(ids("/api/runs?q=prepared%20verified")).as("every word, in one run's output").isEmpty();
        assertThat(ids("/api/runs?q=prepared")).as("a step's output").containsExactly(failed);
        assertThat(ids("/api/runs?q=CHG-2&runbook=gated&since=1h&until=2100-01-01")).as("with the other filters").containsExactly(waiting);
        assertThat(ids("/api/runs?q=otto&status=failed")).as("who started it").containsExactly(failed);
        assertThat(ids("/api/runs?q=otto&since=2100-01-01")).isEmpty();

        for (String[] bad : new String[][] {
                {"q=", "the search is empty"},
                {"q=%20%2B%2B", "has no word to look for"},
                {"q=" + "a".repeat(201), "201 characters long; at most 200"},
                {"since=last%20tuesday", "since 'last tuesday' is not a time"},
                {"since=2026-11-24&until=2026-11-23", "is not before until"}}) {
            HttpResponse<String> refused = call("GET", "/api/runs?" + bad[0], viewer, null);
            assertThat(refused.statusCode()).as(bad[0]).isEqualTo(400);
            assertThat(refused.headers().firstValue("Content-Type")).contains("application/problem+json");
            assertThat(json.readTree(refused.body()).path("detail").asText()).as(bad[0]).contains(bad[1]);
        }
    }

    private List<String> ids(String path) throws Exception {
        return ok(call("GET", path, viewer, null), 200).path("runs").findValuesAsText("id");
    }

    @Test
    void the_record_comes_as_markdown_or_as_html_with_nothing_a_step_printed_able_to_run() throws Exception {
        String run = launch("flaky", operator, "{\"flag\":\"<script>alert(1)</script>\"}");
        eventually("it failed", () -> status(run) == RunStatus.FAILED);
        HttpResponse<String> markdown = call("GET", "/api/runs/" + run + "/record", viewer, null);
        assertThat(markdown.headers().firstValue("Content-Type")).get().asString().startsWith("text/markdown");
        assertThat(markdown.body()).contains("status: failed", "<script>alert(1)</script>");
        HttpResponse<String> html = http.send(HttpRequest.newBuilder(URI.create(base + "/api/runs/" + run + "/record"))
                .header("Authorization", "Bearer " + viewer).header("Accept", "text/html").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(html.headers().firstValue("Content-Type")).get().asString().startsWith("text/html");
        // //why: the same renderer as the run page: the record's folded sections stay folded, markup a step got is text
        assertThat(html.body()).contains("<table>", "&lt;script&gt;", "<details><summary>").doesNotContain("<script>");
        assertThat(html.headers().firstValue("Content-Security-Policy")).get().asString().contains("default-src 'self'");
    }

    @Test
    void a_runbook_that_wants_a_separate_approver_refuses_the_launcher_and_takes_another_person() throws Exception {
        String run = launch("four-eyes", operatorAndApprover, "{\"change\":\"CHG-9\"}");
        eventually("it waits", () -> status(run) == RunStatus.WAITING);
        HttpResponse<String> self = call("POST", "/api/runs/" + run + "/steps/allow/approve", operatorAndApprover, "{}");
        assertThat(self.statusCode()).isEqualTo(409);
        assertThat(json.readTree(self.body()).path("detail").asText())
                .contains("requires that the approver is not the person who launched the run (olga)", "ask another approver");

        String byOtto = launch("four-eyes", operator, "{\"change\":\"CHG-10\"}");
        eventually("it waits", () -> status(byOtto) == RunStatus.WAITING);
        assertThat(call("POST", "/api/runs/" + byOtto + "/steps/allow/approve", approver, "{}").statusCode())
                .as("the same person with another token is still the launcher").isEqualTo(409);

        JsonNode answered = ok(call("POST", "/api/runs/" + run + "/steps/allow/approve", otherApprover, "{\"comment\":\"looks fine\"}"), 200);
        assertThat(answered.path("by").asText()).startsWith("anna (tok-");
        eventually("the service resumed it", () -> status(run) == RunStatus.SUCCEEDED);
        JsonNode detail = ok(call("GET", "/api/runs/" + run, viewer, null), 200);
        assertThat(detail.path("approvals").get(0).path("answer").path("by").asText()).startsWith("anna (tok-");
        assertThat(detail.path("approvals").get(0).path("state").asText()).isEqualTo("approved");
    }

    @Test
    void an_approve_step_with_approvers_takes_an_approval_only_from_one_of_them_and_audits_the_refusal() throws Exception {
        String run = launch("named-approvers", operator, "{\"change\":\"CHG-11\"}");
        eventually("it waits", () -> status(run) == RunStatus.WAITING);

        HttpResponse<String> otto = call("POST", "/api/runs/" + run + "/steps/allow/approve", approver, "{}");

        assertThat(otto.statusCode()).isEqualTo(403);
        assertThat(json.readTree(otto.body()).path("detail").asText()).isEqualTo(
                "step 'allow' may be approved only by anna, dora (its approvers:), and otto is not one of them; ask one of them to approve it");
        assertThat(status(run)).isEqualTo(RunStatus.WAITING);
        String access = String.join("\n", store.auditChains().read(AccessAudit.trailOf(service.instance())).lines());
        assertThat(access.lines().filter(l -> l.contains("\"decision\":\"denied\"") && l.contains("\"name\":\"otto\"")
                && l.contains("may be approved only by anna, dora"))).hasSize(1);

        ok(call("POST", "/api/runs/" + run + "/steps/allow/approve", otherApprover, "{}"), 200);
        eventually("the service resumed it", () -> status(run) == RunStatus.SUCCEEDED);
    }

    @Test
    void stats_add_up_the_served_runs_per_runbook_and_rank_the_approval_people_answer_the_same_way_and_a_bad_range_is_a_400() throws Exception {
        List<String> runs = new java.util.ArrayList<>();
        for (String change : List.of("CHG-21", "CHG-22", "CHG-23")) {
            String run = launch("gated", operator, "{\"change\":\"" + change + "\"}");
            eventually("it waits", () -> status(run) == RunStatus.WAITING);
            ok(call("POST", "/api/runs/" + run + "/steps/allow/" + (change.equals("CHG-23") ? "reject" : "approve"), approver, "{}"), 200);
            eventually("it ended", () -> status(run) == RunStatus.SUCCEEDED || status(run) == RunStatus.FAILED);
            runs.add(run);
        }
        String ended = String.join("; ", runs.stream().map(r -> store.run(r).orElseThrow()).map(r -> r.status() + " " + r.message()).toList());

        JsonNode stats = ok(call("GET", "/api/stats?runbook=gated", viewer, null), 200);

        assertThat(stats.path("runs").asLong()).isEqualTo(3);
        assertThat(stats.path("successRate").asDouble()).as(ended + "\n" + stats).isCloseTo(2 / 3.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(stats.path("days")).hasSize(31);
        assertThat(stats.path("waitingForPeople").path("count").asLong()).isEqualTo(3);
        assertThat(stats.path("toResolution").path("count").asLong()).isEqualTo(3);
        assertThat(stats.path("failingSteps").get(0).path("step").asText()).isEqualTo("allow");
        JsonNode first = stats.path("automateNext").get(0);
        assertThat(first.path("step").asText()).isEqualTo("allow");
        assertThat(first.path("kind").asText()).isEqualTo("approve");
        assertThat(first.path("reason").asText()).startsWith("approved 67% of 3 times; ");
        assertThat(ok(call("GET", "/api/stats?runbook=flaky", viewer, null), 200).path("runs").asLong()).isZero();

        HttpResponse<String> bad = call("GET", "/api/stats?since=yesterday", viewer, null);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(json.readTree(bad.body()).path("detail").asText())
                .isEqualTo("since 'yesterday' is not a time; write it as 2026-11-23T03:00:00Z or 2026-11-23");
        assertThat(json.readTree(call("GET", "/api/stats?since=2026-01-01&until=2025-01-01", viewer, null).body()).path("detail").asText())
                .contains("must be before until");
    }

    @Test
    void a_rejection_fails_the_run() throws Exception {
        String run = launch("gated", operator, "{\"change\":\"CHG-4\"}");
        eventually("it waits", () -> status(run) == RunStatus.WAITING);
        ok(call("POST", "/api/runs/" + run + "/steps/allow/reject", approver, "{\"comment\":\"freeze\"}"), 200);
        eventually("it failed", () -> status(run) == RunStatus.FAILED);
        assertThat(call("POST", "/api/runs/" + run + "/steps/allow/approve", approver, "{}").body()).contains("is failed, not waiting");
    }

    @Test
    void cancelling_a_waiting_run_ends_it_at_once_and_a_running_one_through_the_store() throws Exception {
        String waiting = launch("gated", operator, "{\"change\":\"CHG-5\"}");
        eventually("it waits", () -> status(waiting) == RunStatus.WAITING);
        JsonNode cancelled = ok(call("POST", "/api/runs/" + waiting + "/cancel", operator, "{\"reason\":\"not tonight\"}"), 200);
        assertThat(cancelled.path("status").asText()).isEqualTo("cancelled");
        assertThat(status(waiting)).isEqualTo(RunStatus.CANCELLED);
        Path record = dir.resolve("records/gated/" + waiting + ".md");
        assertThat(Files.readString(record)).contains("status: cancelled", "cancelled by otto (tok-");
        assertThat(AuditVerifier.verify(dir.resolve("records/gated/" + waiting + ".audit.jsonl"), store.auditSeals()).problems())
                .as("the trail goes on where the waiting run left it, sealed in the store").isEmpty();

        String slow = launch("slow", operator, "{}");
        eventually("it runs", () -> store.events(slow).size() > 1);
        HttpResponse<String> requested = call("POST", "/api/runs/" + slow + "/cancel", operator, "{}");
        assertThat(requested.statusCode()).isEqualTo(202);
        eventually("the running instance stopped it", () -> status(slow) == RunStatus.CANCELLED);
        assertThat(store.events(slow)).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(dev.opsbook.engine.RunEvent.CancelRequested.class,
                c -> assertThat(c.reason()).startsWith("cancelled by otto (tok-")));
        HttpResponse<String> again = call("POST", "/api/runs/" + slow + "/cancel", operator, "{}");
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(json.readTree(again.body()).path("detail").asText()).contains("is cancelled; only a running or waiting run can be cancelled");
    }

    @Test
    void a_cancel_asked_while_a_run_ran_ends_it_when_it_stopped_at_a_gate_before_its_instance_saw_the_request() throws Exception {
        String waiting = launch("gated", operator, "{\"change\":\"CHG-7\"}");
        eventually("it waits", () -> status(waiting) == RunStatus.WAITING);
        // //why: what the race leaves: the request stored for a run that was running, which reached its gate first
        store.requestCancel(new dev.opsbook.store.CancelRequest(waiting, java.time.Instant.now(), "otto (tok-1)", "not tonight"));

        eventually("the waiting run was cancelled, without anyone answering it", () -> status(waiting) == RunStatus.CANCELLED);
        Path record = dir.resolve("records/gated/" + waiting + ".md");
        // //why: the store says cancelled a moment before the record is written again
        eventually("its record is written again", () -> {
            try {
                return Files.readString(record).contains("status: cancelled");
            } catch (java.io.IOException e) {
                return false;
            }
        });
        assertThat(Files.readString(record)).contains("status: cancelled", "cancelled by otto (tok-1): not tonight");
    }

    @Test
    void a_failed_run_resumes_from_a_chosen_step_keeping_what_ran_before_it() throws Exception {
        Path flag = dir.resolve("flag");
        String run = launch("flaky", operator, "{\"flag\":\"" + flag + "\"}");
        eventually("it failed", () -> status(run) == RunStatus.FAILED);
        HttpResponse<String> tooLate = call("POST", "/api/runs/" + run + "/resume", operator, "{\"fromStep\":\"verify\"}");
        assertThat(tooLate.statusCode()).isEqualTo(409);
        assertThat(json.readTree(tooLate.body()).path("detail").asText()).contains("step 'deploy' failed and comes before 'verify'");
        assertThat(call("POST", "/api/runs/" + run + "/resume", operator, "{\"fromStep\":\"nope\"}").body())
                .contains("has no step 'nope'", "prepare, deploy, verify");
        assertThat(call("POST", "/api/runs/" + run + "/resume", operator, "{}").statusCode()).isEqualTo(400);

        Files.writeString(flag, "");
        ok(call("POST", "/api/runs/" + run + "/resume", operator, "{\"fromStep\":\"deploy\"}"), 202);
        eventually("it succeeded", () -> status(run) == RunStatus.SUCCEEDED);
        JsonNode detail = ok(call("GET", "/api/runs/" + run, viewer, null), 200);
        assertThat(detail.path("steps").findValuesAsText("step")).containsExactly("prepare", "deploy", "verify");
        assertThat(detail.path("steps").findValuesAsText("status")).containsOnly("succeeded");
        long prepares = store.events(run).stream().filter(e -> e instanceof dev.opsbook.engine.RunEvent.StepStarted s && s.stepId().equals("prepare")).count();
        assertThat(prepares).as("prepare ran once").isEqualTo(1);
        eventually("the record is rewritten", () -> {
            try {
                return Files.readString(dir.resolve("records/flaky/" + run + ".md")).contains("status: succeeded");
            } catch (java.io.IOException e) {
                return false;
            }
        });
        String record = Files.readString(dir.resolve("records/flaky/" + run + ".md"));
        assertThat(AuditVerifier.verify(dir.resolve("records/flaky/" + run + ".audit.jsonl"), store.auditSeals()).problems()).isEmpty();
        assertThat(record).contains("Run resumed from `deploy` by otto (tok-", "status: succeeded");
    }

    @Test
    void a_runs_audit_trail_names_who_did_what_and_verifies() throws Exception {
        String run = launch("gated", operator, "{\"change\":\"CHG-6\"}");
        eventually("it waits", () -> status(run) == RunStatus.WAITING);
        ok(call("POST", "/api/runs/" + run + "/steps/allow/approve", otherApprover, "{}"), 200);
        eventually("it succeeded", () -> status(run) == RunStatus.SUCCEEDED);
        eventually("its record is sealed", () -> {
            try {
                return Files.readString(dir.resolve("records/gated/" + run + ".md")).contains("status: succeeded");
            } catch (java.io.IOException e) {
                return false;
            }
        });
        JsonNode trail = ok(call("GET", "/api/runs/" + run + "/audit", viewer, null), 200).path("entries");
        assertThat(trail.get(0).path("data").path("startedBy").asText()).startsWith("otto (tok-");
        assertThat(trail.toString()).contains("\"type\":\"answer\"", "anna (tok-");
        JsonNode verification = ok(call("GET", "/api/runs/" + run + "/audit/verification", viewer, null), 200);
        assertThat(verification.path("valid").asBoolean()).isTrue();
        assertThat(verification.path("sealedBy").asText()).isEqualTo("store");

        Path file = dir.resolve("records/gated/" + run + ".audit.jsonl");
        AuditVerifier.Verification exported = AuditVerifier.verify(file, store.auditSeals());
        assertThat(exported.problems()).as("the trail file under --record-dir is the store's chain, line for line").isEmpty();
        assertThat(exported.entries()).isEqualTo(verification.path("entries").asLong());
        Files.delete(file);
        assertThat(ok(call("GET", "/api/runs/" + run + "/audit/verification", viewer, null), 200).path("valid").asBoolean())
                .as("the store answers, whatever is in this instance's record folder").isTrue();

        String access = String.join("\n", store.auditChains().read(AccessAudit.trailOf(service.instance())).lines());
        assertThat(access).contains("\"decision\":\"allowed\"", "\"name\":\"anna\"", "\"action\":\"POST /api/runs/{id}/steps/{step}/approve\"",
                "\"path\":\"/api/runs/" + run + "/steps/allow/approve\"");
        assertThat(access).doesNotContain(viewer, operator, otherApprover);
        AuditVerifier.Verification accessVerification = new dev.opsbook.service.RunAudits(store).verifyAccess(AccessAudit.trailOf(service.instance()));
        assertThat(accessVerification.problems()).isEmpty();
        assertThat(accessVerification.sealedBy()).isEqualTo(AuditVerifier.SealedBy.STORE);
    }

    @Test
    void runs_launched_under_an_incident_id_are_listed_by_it_and_make_an_incident_with_a_timeline_and_a_markdown_draft() throws Exception {
        String first = ok(call("POST", "/api/runbooks/flaky/runs", operator, "{\"parameters\":{\"flag\":\"/nonexistent\"},\"incident\":\"INC-9\"}"), 201)
                .path("id").asText();
        String flag = Files.createFile(dir.resolve("flag")).toString();
        String second = ok(call("POST", "/api/runbooks/flaky/runs", operator, "{\"parameters\":{\"flag\":\"" + flag + "\"},\"incident\":\"INC-9\"}"), 201)
                .path("id").asText();
        String other = launch("flaky", operator, "{\"flag\":\"" + flag + "\"}");
        eventually("all three ended", () -> status(first) == RunStatus.FAILED && status(second) == RunStatus.SUCCEEDED
                && status(other) == RunStatus.SUCCEEDED);

        HttpResponse<String> bad = call("POST", "/api/runbooks/flaky/runs", operator, "{\"parameters\":{\"flag\":\"/\"},\"incident\":\"INC 9; drop\"}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(json.readTree(bad.body()).path("detail").asText()).startsWith("incident: an incident id is letters, digits and - _ . :");
        assertThat(call("GET", "/api/runs?incident=a%20b", viewer, null).statusCode()).isEqualTo(400);
        JsonNode tagged = ok(call("GET", "/api/runs?incident=INC-9", viewer, null), 200).path("runs");
        assertThat(tagged.findValuesAsText("id")).containsExactlyInAnyOrder(first, second);
        assertThat(tagged.findValuesAsText("incident")).containsOnly("INC-9");
        JsonNode list = ok(call("GET", "/api/incidents", viewer, null), 200);
        assertThat(list.path("alarmWindow").asText()).isEqualTo("PT1H");
        assertThat(list.path("incidents").findValuesAsText("id")).containsExactly("INC-9");
        JsonNode incident = ok(call("GET", "/api/incidents/INC-9", viewer, null), 200);
        assertThat(incident.path("kind").asText()).isEqualTo("tagged");
        assertThat(incident.path("runCount").asInt()).isEqualTo(2);
        assertThat(incident.path("open").asBoolean()).isFalse();
        assertThat(incident.path("facts").path("resolved").isTextual()).isTrue();
        assertThat(incident.path("runs").findValuesAsText("id")).containsExactly(first, second);
        assertThat(incident.path("timeline").findValuesAsText("what")).contains("step deploy failed: exit code 1", "step verify succeeded")
                .anySatisfy(what -> assertThat(what).startsWith("run of flaky started (api, by otto"));
        assertThat(incident.path("timeline").findValuesAsText("kind")).contains("run-started", "step-failed", "run-ended");
        assertThat(incident.path("openQuestions").get(0).asText()).contains("Step deploy of " + first, "no on-failure handler ran");
        HttpResponse<String> report = call("GET", "/api/incidents/INC-9/report", viewer, null);
        assertThat(report.statusCode()).isEqualTo(200);
        assertThat(report.headers().firstValue("Content-Type")).get().asString().startsWith("text/markdown");
        assertThat(report.body()).contains("# Incident INC-9", "## What ran", "[" + first + "](/runs/" + first + ")", "## What failed",
                "step deploy failed");
        assertThat(call("GET", "/api/incidents/bad%20id", viewer, null).statusCode()).isEqualTo(400);
    }

    @Test
    void the_openapi_description_is_generated_from_the_resources_lists_every_route_they_serve_and_no_other() throws Exception {
        HttpResponse<String> yaml = call("GET", "/q/openapi", null, null);
        assertThat(yaml.statusCode()).isEqualTo(200);
        assertThat(yaml.headers().firstValue("Content-Type")).get().asString().startsWith("application/yaml");
        JsonNode document = ok(call("GET", "/q/openapi?format=json", null, null), 200);
        java.util.Set<String> described = new java.util.TreeSet<>();
        document.path("paths").fields().forEachRemaining(path -> path.getValue().fieldNames().forEachRemaining(method -> {
            if (Set.of("get", "post", "put", "delete", "patch").contains(method)) {
                described.add(method.toUpperCase(java.util.Locale.ROOT) + " " + path.getKey());
            }
        }));
        // //why: the web pages are no API: they are left out of the description, as before
        List<ResourceRoutes.Route> routes = ResourceRoutes.under("dev.opsbook").routes().stream()
                .filter(r -> !r.resource().getPackageName().startsWith("dev.opsbook.web")).toList();
        java.util.Set<String> served = new java.util.TreeSet<>(routes.stream().map(ResourceRoutes.Route::name).toList());
        assertThat(described).isEqualTo(served);
        assertThat(served).contains("POST /api/runbooks/{id}/runs", "POST /api/runs/{id}/steps/{step}/approve", "GET /api/runs/{id}/audit/verification",
                "GET /api/incidents", "GET /api/incidents/{id}", "GET /api/incidents/{id}/report");
        for (ResourceRoutes.Route route : routes) {
            JsonNode operation = document.path("paths").path(route.template()).path(route.method().toLowerCase(java.util.Locale.ROOT));
            if (route.resource().getPackageName().equals("dev.opsbook.api")) {
                assertThat(operation.path("summary").asText()).as(route.name() + " says what it does").isNotBlank();
            }
            route.role().ifPresent(role -> assertThat(operation.path("x-opsbook-role").asText()).as(route.name()).isEqualTo(role));
        }
        assertThat(getClass().getResource("/openapi/opsbook.yaml")).as("the hand-kept description is gone").isNull();
    }
}
