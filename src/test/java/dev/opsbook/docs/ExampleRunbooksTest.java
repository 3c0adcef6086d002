package dev.opsbook.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.opsbook.engine.Engine;
import dev.opsbook.engine.Interaction;
import dev.opsbook.engine.Role;
import dev.opsbook.engine.RunListener;
import dev.opsbook.engine.RunRequest;
import dev.opsbook.engine.RunResult;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.engine.StepExecution;
import dev.opsbook.engine.StepStatus;
import dev.opsbook.graph.LoadedRunbook;
import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.record.MarkdownRecord;
import dev.opsbook.runbook.Parameter;
import dev.opsbook.runbook.RunbookKind;
import dev.opsbook.runbook.StepForm;
import dev.opsbook.steps.StandardSteps;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The runbooks in runbooks/ and the playbooks in playbooks/ are what people copy first: each
 * must validate cleanly and run to success on a laptop, and the deploy runbook must roll back
 * when told to fail.
 */
class ExampleRunbooksTest {

    private static final Path ROOT = DocsSupport.projectRoot();
    private static final RunbookLoader LOADER = new RunbookLoader(StandardSteps.all().catalog());

    /** A demo service: /health says "starting" (503) on its first call of each test, then "ok". */
    private static HttpServer server;
    private static final AtomicInteger healthCalls = new AtomicInteger();

    @TempDir
    Path work;

    @BeforeAll
    static void startService() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/health", exchange -> {
            boolean first = healthCalls.incrementAndGet() == 1;
            answer(exchange, first ? 503 : 200, first ? "{\"status\": \"starting\"}" : "{\"status\": \"ok\"}");
        });
        server.createContext("/version", exchange -> answer(exchange, 200, "{\"version\": \"1.4.2\"}"));
        server.start();
    }

    @AfterAll
    static void stopService() {
        server.stop(0);
    }

    @BeforeEach
    void freshService() {
        healthCalls.set(0);
    }

    static Stream<Path> examples() throws IOException {
        return Stream.concat(markdownIn(ROOT.resolve("runbooks")), markdownIn(ROOT.resolve("playbooks")));
    }

    /** The examples that need no AWS account; AwsCliIT runs ec2-recover against WireMock. */
    static Stream<Path> localExamples() throws IOException {
        return examples().filter(file -> dev.opsbook.aws.AwsSteps.of(load(file).runbook()).isEmpty());
    }

    @Test
    void there_are_runbooks_and_a_playbook_to_copy() throws IOException {
        List<Path> runbooks = markdownIn(ROOT.resolve("runbooks")).toList();
        List<Path> playbooks = markdownIn(ROOT.resolve("playbooks")).toList();

        assertThat(runbooks).hasSizeGreaterThanOrEqualTo(3)
                .extracting(p -> p.getFileName().toString()).contains("hello.md");
        assertThat(playbooks).isNotEmpty();
        for (Path playbook : playbooks) {
            assertThat(load(playbook).runbook().kind()).as(playbook.toString()).isEqualTo(RunbookKind.PLAYBOOK);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void validates_with_no_errors_and_no_warnings(Path file) throws IOException {
        LoadedRunbook loaded = load(file);

        assertThat(loaded.diagnostics()).as("validate " + ROOT.relativize(file)).isEmpty();
        assertThat(loaded.runbook().owner()).as("owner of " + file).isNotBlank();
        assertThat(loaded.runbook().description()).as("description of " + file).isNotBlank();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("localExamples")
    void runs_to_success_on_a_laptop(Path file) throws Exception {
        LoadedRunbook loaded = load(file);
        DocsSupport.RecordingYes person = new DocsSupport.RecordingYes();

        RunResult result = run(loaded, Map.of(), person);
        String record = MarkdownRecord.render(result);

        assertThat(result.state().status()).as(result.state().message()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(record).contains("✅ **succeeded**");
        long taskItems = loaded.runbook().steps().stream().filter(s -> s.form() == StepForm.TASK_ITEM).count();
        assertThat(person.prompts.stream().filter(p -> p.kind() == Interaction.Ask.TASK)).hasSize((int) taskItems);
        assertThat(record).doesNotContain("- [ ] ");
    }

    @Test
    void every_feature_the_docs_promise_is_shown_by_some_example() throws IOException {
        List<LoadedRunbook> all = examples().map(ExampleRunbooksTest::load).toList();
        var steps = all.stream().flatMap(l -> l.runbook().steps().stream()).toList();
        var parameters = all.stream().flatMap(l -> l.runbook().parameters().stream()).toList();

        assertThat(parameters).anyMatch(p -> p.pattern().isPresent());
        assertThat(parameters).anyMatch(p -> !p.allowedValues().isEmpty());
        assertThat(parameters).extracting(Parameter::name).contains("baseUrl", "failAt");
        assertThat(steps).anyMatch(s -> s.explicitNeeds().map(n -> n.size() > 1).orElse(false));
        assertThat(steps).anyMatch(s -> s.retries() > 0);
        assertThat(steps).anyMatch(s -> s.rollback().isPresent());
        assertThat(steps).anyMatch(s -> s.form() == StepForm.TASK_ITEM);
        assertThat(steps).extracting(s -> s.kind()).contains("shell", "http", "approve", "assert", "manual");
    }

    @Test
    void deploy_release_switches_the_current_link_after_an_approval() throws Exception {
        LoadedRunbook loaded = load(ROOT.resolve("runbooks/deploy-release.md"));
        DocsSupport.RecordingYes person = new DocsSupport.RecordingYes();

        RunResult result = run(loaded, Map.of("version", "1.4.1"), person);

        assertThat(result.state().status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(Files.readSymbolicLink(work.resolve("staging/current"))).isEqualTo(Path.of("releases/1.4.1"));
        assertThat(person.prompts).extracting(Interaction.Prompt::text)
                .contains("Switch staging from no release to 1.4.1?")
                .contains("Announce the deploy in the team channel: \"staging now runs demo-app 1.4.1\"");
        assertThat(result.state().executions().values()).noneMatch(x -> x.role() == Role.ROLLBACK);
        assertThat(MarkdownRecord.render(result)).contains("Approved by **tester**").contains("runs only if the run fails");
    }

    @Test
    void deploy_release_rolls_back_to_the_previous_release_when_verification_fails() throws Exception {
        LoadedRunbook loaded = load(ROOT.resolve("runbooks/deploy-release.md"));
        assertThat(run(loaded, Map.of("version", "1.4.1"), DocsSupport.YES).state().status()).isEqualTo(RunStatus.SUCCEEDED);

        RunResult result = run(loaded, Map.of("version", "1.4.2", "failAt", "verify"), DocsSupport.YES);

        assertThat(result.state().status()).isEqualTo(RunStatus.FAILED);
        assertThat(result.state().message()).startsWith("step 'verify' failed").contains("failAt=verify");
        StepExecution verify = result.state().execution("verify").orElseThrow();
        assertThat(verify.attempts()).hasSize(3);
        List<StepExecution> rollbacks = result.state().executions().values().stream()
                .filter(x -> x.role() == Role.ROLLBACK).toList();
        assertThat(rollbacks).extracting(StepExecution::stepId).containsExactly("switch-back", "remove-build");
        assertThat(rollbacks).extracting(x -> x.forStep().orElseThrow()).containsExactly("switch", "build");
        assertThat(rollbacks).allMatch(x -> x.status() == StepStatus.SUCCEEDED);
        assertThat(Files.readSymbolicLink(work.resolve("staging/current"))).isEqualTo(Path.of("releases/1.4.1"));
        assertThat(work.resolve("staging/releases/1.4.2")).doesNotExist();
        assertThat(work.resolve("staging/releases/1.4.1/bin/app")).exists();
        assertThat(result.state().execution("announce-the-deploy-in-the-team-channel")).isEmpty();

        String record = MarkdownRecord.render(result);
        assertThat(record)
                .contains("❌ **failed**")
                .contains("**Succeeded** as rollback for `switch` · `switch-back`")
                .contains("**Succeeded** as rollback for `build` · `remove-build`")
                .contains("current -> releases/1.4.1 again")
                .contains("3 attempts")
                .contains("Then: rollback `switch-back` succeeded, rollback `remove-build` succeeded.");
    }

    @Test
    void deploy_release_refuses_a_version_that_is_not_semantic_before_anything_runs() {
        LoadedRunbook loaded = load(ROOT.resolve("runbooks/deploy-release.md"));

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> run(loaded, Map.of("version", "latest"), DocsSupport.YES))
                .hasMessageContaining("parameter 'version': 'latest' does not match pattern");
        assertThat(work.resolve("staging")).doesNotExist();
    }

    @Test
    void rotate_logs_archives_both_logs_in_parallel_and_empties_them() throws Exception {
        LoadedRunbook loaded = load(ROOT.resolve("runbooks/rotate-logs.md"));

        RunResult result = run(loaded, Map.of(), DocsSupport.YES);

        assertThat(result.state().status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(loaded.graph().dependenciesOf("archive-app")).containsExactly("inventory");
        assertThat(loaded.graph().dependenciesOf("archive-access")).containsExactly("inventory");
        Path archive = work.resolve("archive").resolve(result.state().runId());
        assertThat(Files.readString(archive.resolve("app.log"))).contains("app sample line 3");
        assertThat(Files.readString(archive.resolve("access.log"))).contains("access sample line 3");
        assertThat(work.resolve("logs/app.log")).isEmptyFile();
        assertThat(work.resolve("logs/.rotate.lock")).doesNotExist();
        assertThat(result.state().execution("archive-app").orElseThrow().outputs().path("bytes").asInt()).isPositive();
        assertThat(MarkdownRecord.render(result)).contains("**Outputs:** `bytes` = ");
    }

    @Test
    void investigate_service_retries_a_starting_service_and_reads_its_version() throws Exception {
        LoadedRunbook loaded = load(ROOT.resolve("playbooks/investigate-service.md"));

        RunResult result = run(loaded, Map.of("expectedVersion", "1.4.2"), DocsSupport.YES);

        assertThat(result.state().status()).isEqualTo(RunStatus.SUCCEEDED);
        StepExecution health = result.state().execution("health").orElseThrow();
        assertThat(health.attempts()).hasSize(2);
        assertThat(health.outputs().path("state").asText()).isEqualTo("ok");
        assertThat(result.state().execution("version").orElseThrow().outputs().path("version").asText()).isEqualTo("1.4.2");
        assertThat(MarkdownRecord.render(result)).contains("HTTP 200.").contains("2 attempts");
    }

    @Test
    void investigate_service_fails_its_verdict_when_another_version_runs() throws Exception {
        LoadedRunbook loaded = load(ROOT.resolve("playbooks/investigate-service.md"));

        RunResult result = run(loaded, Map.of("expectedVersion", "2.0.0"), DocsSupport.YES);

        assertThat(result.state().status()).isEqualTo(RunStatus.FAILED);
        assertThat(result.state().message()).startsWith("step 'verdict' failed: The service is unhealthy or runs an unexpected version");
        assertThat(result.state().execution("host").orElseThrow().status()).isEqualTo(StepStatus.SUCCEEDED);
    }

    // ---- helpers ----------------------------------------------------------------------------

    /** Runs with the example's defaults, except that files go under the test's folder and HTTP to the demo service. */
    private RunResult run(LoadedRunbook loaded, Map<String, String> params, Interaction person) throws Exception {
        Map<String, String> all = new HashMap<>();
        if (loaded.runbook().parameter("root").isPresent()) {
            all.put("root", work.toString());
        }
        if (loaded.runbook().parameter("baseUrl").isPresent()) {
            all.put("baseUrl", "http://127.0.0.1:" + server.getAddress().getPort());
        }
        all.putAll(params);
        return new Engine(StandardSteps.all()).run(new RunRequest(loaded, all, "tester", "test", person,
                Optional.empty(), work), RunListener.NONE);
    }

    private static LoadedRunbook load(Path file) {
        try {
            return LOADER.load(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Stream<Path> markdownIn(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".md")).sorted().toList().stream();
        }
    }

    private static void answer(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
