package dev.opsbook.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsbook.access.ApiTokens;
import dev.opsbook.access.Role;
import dev.opsbook.access.Sessions;
import dev.opsbook.aws.AwsSettings;
import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.service.Service;
import dev.opsbook.steps.StandardSteps;
import dev.opsbook.store.JdbcRunStore;
import dev.opsbook.store.RunStore;
import dev.opsbook.testing.Served;
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
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The form tokens (rest-csrf) guard the pages' forms and nothing else: the JSON API answers a
 * Bearer token's and a session's calls (the latter with the session's X-CSRF-Token header) without
 * any form token, and hands out no form-token cookie; a page's form without its token is refused.
 */
@QuarkusTest
class FormTokensScopeTest {

    @TempDir
    Path dir;

    private RunStore store;
    private Service service;
    private Served served;
    private String operator;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        Path runbooks = Files.createDirectories(dir.resolve("runbooks"));
        Files.write(runbooks.resolve("gated.md"), getClass().getResourceAsStream("/web/runbooks/gated.md").readAllBytes());
        store = JdbcRunStore.open(JdbcRunStore.embeddedUrl(dir.resolve("store")), "", "");
        service = new Service(new Service.Config(List.of(runbooks), dir.resolve("records"),
                new AwsSettings(Optional.of("us-east-1"), Optional.empty(), Optional.empty()), 1, 1, dir),
                store, new RunbookLoader(StandardSteps.all().catalog()), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        served = Served.start(service);
        operator = new ApiTokens(store.tokens(), Clock.systemUTC()).issue("ada", Set.of(Role.OPERATOR)).secret();
    }

    @AfterEach
    void stop() {
        served.close();
        service.close();
        store.close();
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder dryRun() {
        return HttpRequest.newBuilder(URI.create(Served.base() + "/api/runbooks/gated/runs"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"parameters\": {\"service\": \"api\"}, \"dryRun\": true}"));
    }

    @Test
    void a_bearer_tokens_json_call_needs_no_form_token_and_gets_no_form_cookie() throws Exception {
        HttpResponse<String> planned = send(dryRun().header("Authorization", "Bearer " + operator));

        assertThat(planned.statusCode()).as(planned.body()).isEqualTo(200);
        assertThat(planned.headers().allValues("Set-Cookie")).noneMatch(c -> c.startsWith(FormTokens.COOKIE + "="));
        HttpResponse<String> listed = send(HttpRequest.newBuilder(URI.create(Served.base() + "/api/runbooks"))
                .header("Authorization", "Bearer " + operator));
        assertThat(listed.statusCode()).isEqualTo(200);
        assertThat(listed.headers().allValues("Set-Cookie")).noneMatch(c -> c.startsWith(FormTokens.COOKIE + "="));
    }

    @Test
    void a_sessions_json_call_with_its_csrf_header_needs_no_form_token() throws Exception {
        Sessions.Session session = service.sessions().login(operator).orElseThrow();

        HttpResponse<String> planned = send(dryRun().header("Cookie", Sessions.COOKIE + "=" + session.id())
                .header("X-CSRF-Token", session.csrf()));

        assertThat(planned.statusCode()).as(planned.body()).isEqualTo(200);
    }

    @Test
    void a_pages_form_without_its_token_is_refused_whoever_sends_it() throws Exception {
        HttpResponse<String> bearerForm = send(HttpRequest.newBuilder(URI.create(Served.base() + "/runbooks/gated/launch"))
                .header("Authorization", "Bearer " + operator).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("service=api")));

        assertThat(bearerForm.statusCode()).isEqualTo(403);
        assertThat(bearerForm.body()).contains("CSRF token");
        assertThat(store.runs(dev.opsbook.store.RunQuery.latest(10))).isEmpty();
    }
}
