package dev.opsbook.cli;

import static org.assertj.core.api.Assertions.assertThat;

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
import dev.opsbook.testing.InProcessCli;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands that talk to a running serve with {@code --url} and {@code --token}: {@code opsbook comment} (the token's
 * holder is the author, and {@code opsbook show} lists the comment) and {@code opsbook incident report}.
 */
@QuarkusTest
class ServeCommandsTest {

    @TempDir
    Path dir;

    private RunStore store;
    private Service service;
    private Served served;
    private String operator;
    private String viewer;
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    @BeforeEach
    void start() throws Exception {
        Path runbooks = Files.createDirectories(dir.resolve("runbooks"));
        Files.write(runbooks.resolve("flaky.md"), getClass().getResourceAsStream("/api/flaky.md").readAllBytes());
        store = JdbcRunStore.open(storeUrl(), "", "");
        RunbookLoader loader = new RunbookLoader(StandardSteps.all().catalog(), List.of(new TriggerPatternCheck()));
        service = new Service(new Service.Config(List.of(runbooks), dir.resolve("records"),
                new AwsSettings(Optional.of("us-east-1"), Optional.empty(), Optional.empty()), 3, 4, dir),
                store, loader, new PrintStream(log, true, StandardCharsets.UTF_8));
        served = Served.start(service);
        ApiTokens tokens = new ApiTokens(store.tokens(), Clock.systemUTC());
        operator = tokens.issue("otto", Set.of(Role.OPERATOR)).secret();
        viewer = tokens.issue("vera", Set.of(Role.VIEWER)).secret();
    }

    @AfterEach
    void stop() {
        served.close();
        service.close();
        store.close();
    }

    @Test
    void a_comment_on_a_step_is_added_as_the_tokens_holder_and_shown_by_opsbook_show() throws Exception {
        String run = failedRun();

        Result added = opsbook("comment", run, "--step", "deploy", "--url", Served.base(), "--token", operator, "the", "flag", "file", "was", "missing");

        assertThat(added.exit()).as(added.err()).isZero();
        assertThat(added.out()).startsWith("comment ").contains("on run " + run + " step 'deploy' by otto (tok-");
        Result shown = opsbook("show", run, "--store", storeUrl());
        assertThat(shown.exit()).as(shown.err()).isZero();
        assertThat(shown.out()).contains("## Comments", "otto (tok-", "on step `deploy`", "> the flag file was missing");
    }

    @Test
    void a_step_the_run_does_not_have_a_viewers_token_or_no_serve_is_one_line_saying_what_to_do() throws Exception {
        String run = failedRun();

        Result noStep = opsbook("comment", run, "--step", "nowhere", "--url", Served.base(), "--token", operator, "hi");
        Result byViewer = opsbook("comment", run, "--url", Served.base(), "--token", viewer, "hi");
        Result noServe = opsbook("comment", run, "--url", "", "--token", "", "hi");

        assertThat(noStep.exit()).isEqualTo(2);
        assertThat(noStep.err()).startsWith("error: 400 from ").contains("has no step 'nowhere'").hasLineCount(1);
        assertThat(byViewer.exit()).isEqualTo(1);
        assertThat(byViewer.err()).contains("403", "needs operator");
        assertThat(noServe.exit()).isEqualTo(2);
        assertThat(noServe.err()).contains("--url http://localhost:8080 --token TOKEN");
        assertThat(store.comments().comments(run)).isEmpty();
    }

    @Test
    void an_incidents_draft_is_read_from_a_running_serve_with_a_viewers_token() throws Exception {
        String run = failedRun("{\"parameters\":{\"flag\":\"/nonexistent\"},\"incident\":\"INC-77\"}");
        Path draft = dir.resolve("INC-77.md");

        Result printed = opsbook("incident", "report", "INC-77", "--url", Served.base(), "--token", viewer);
        Result written = opsbook("incident", "report", "INC-77", "--url", Served.base(), "--token", viewer, "--out", draft.toString());
        Result unknown = opsbook("incident", "report", "INC-78", "--url", Served.base(), "--token", viewer);
        Result noToken = opsbook("incident", "report", "INC-77", "--url", Served.base(), "--token", "");

        assertThat(printed.exit()).as(printed.err()).isZero();
        assertThat(printed.out()).startsWith("# Incident INC-77").contains(run, "flaky");
        assertThat(written.exit()).as(written.err()).isZero();
        assertThat(Files.readString(draft)).isEqualTo(printed.out());
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).startsWith("error: 404 from ").hasLineCount(1);
        assertThat(noToken.exit()).isEqualTo(2);
        assertThat(noToken.err()).isEqualTo("error: --url needs --token (or OPSBOOK_TOKEN): a viewer's API token\n");
    }

    private String storeUrl() {
        return JdbcRunStore.embeddedUrl(dir.resolve("store"));
    }

    private String failedRun() throws Exception {
        return failedRun("{\"parameters\":{\"flag\":\"/nonexistent\"}}");
    }

    private String failedRun(String request) throws Exception {
        HttpResponse<String> launched = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(Served.base() + "/api/runbooks/flaky/runs"))
                .header("Authorization", "Bearer " + operator).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(request)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(launched.statusCode()).as(launched.body()).isEqualTo(201);
        String run = new ObjectMapper().readTree(launched.body()).path("id").asText();
        dev.opsbook.testing.Eventually.until("it failed", Duration.ofSeconds(30), () -> store.run(run).orElseThrow().status() == RunStatus.FAILED,
                () -> log.toString(StandardCharsets.UTF_8));
        return run;
    }

    private record Result(int exit, String out, String err) {
    }

    /** The command in this JVM (it must talk to this test's serve or store), through the one lock on the JVM's streams. */
    private static Result opsbook(String... args) {
        InProcessCli.Result result = InProcessCli.run(new OpsbookCommand(), args);
        return new Result(result.exitCode(), result.stdout(), result.stderr());
    }
}
