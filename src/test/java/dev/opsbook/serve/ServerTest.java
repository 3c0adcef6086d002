package dev.opsbook.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.opsbook.access.AccessAudit;
import dev.opsbook.access.ApiTokens;
import dev.opsbook.access.Role;
import dev.opsbook.access.Sessions;
import dev.opsbook.audit.AuditVerifier;
import dev.opsbook.aws.AwsSettings;
import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.http.JsonBodies;
import dev.opsbook.http.Problem;
import dev.opsbook.service.Service;
import dev.opsbook.steps.StandardSteps;
import dev.opsbook.store.JdbcRunStore;
import dev.opsbook.testing.Served;
import dev.opsbook.trigger.TriggerPatternCheck;
import io.quarkus.test.junit.QuarkusTest;
import java.io.BufferedReader;
import java.io.InputStreamReader;
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
 * The HTTP layer with its real parts: Quarkus's server and security over the test-only routes of
 * {@link TestOnlyResource}, tokens in an H2 store, the access audit in the store.
 */
@QuarkusTest
class ServerTest {

    /** The test routes sit under this prefix; the old router served them at the root. */
    private static final String T = "/test-only";

    @TempDir
    Path dir;

    private JdbcRunStore store;
    private Service service;
    private Served served;
    private Sessions sessions;
    private String instance;
    private String viewer;
    private String operator;
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @BeforeEach
    void start() throws Exception {
        store = JdbcRunStore.open("jdbc:h2:mem:server-test-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "", "");
        instance = "server-test-" + System.nanoTime();
        service = new Service(new Service.Config(List.of(Files.createDirectories(dir.resolve("runbooks"))), dir.resolve("records"),
                new AwsSettings(Optional.of("us-east-1"), Optional.empty(), Optional.empty()), 3, 4, dir,
                new Service.Leasing(instance, Duration.ofSeconds(30), Clock.systemUTC())),
                store, new RunbookLoader(StandardSteps.all().catalog(), List.of(new TriggerPatternCheck())),
                new PrintStream(java.io.OutputStream.nullOutputStream()));
        served = Served.start(service);
        ApiTokens tokens = service.tokens();
        viewer = tokens.issue("vera", Set.of(Role.VIEWER)).secret();
        operator = tokens.issue("otto", Set.of(Role.OPERATOR)).secret();
        sessions = service.sessions();
    }

    @AfterEach
    void stop() throws Exception {
        served.close();
        service.close();
        store.close();
    }

    /** The access trail as its lines: one JSON entry each. */
    private List<String> trail() {
        return store.auditChains().read(AccessAudit.trailOf(instance)).lines();
    }

    private boolean trailVerifies() {
        return AuditVerifier.verify(store.auditChains(), AccessAudit.trailOf(instance), "access of " + instance).valid();
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder get(String path, String token) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(Served.base() + path));
        return token == null ? builder : builder.header("Authorization", "Bearer " + token);
    }

    @Test
    void a_route_with_a_role_answers_401_without_a_token_403_with_a_wrong_role_and_the_handler_with_the_right_one() throws Exception {
        HttpResponse<String> none = send(get(T + "/things/7", null));
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("Content-Type")).contains(Problem.MEDIA_TYPE);
        assertThat(none.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"opsbook\"");
        assertThat(json.readTree(none.body()).path("detail").asText()).contains("opsbook token create");

        HttpResponse<String> wrongToken = send(get(T + "/things/7", "opsbook_not-a-real-one"));
        assertThat(wrongToken.statusCode()).isEqualTo(401);
        assertThat(wrongToken.body()).contains("unknown or revoked").doesNotContain("opsbook_not-a-real-one");

        HttpResponse<String> forbidden = send(get(T + "/things", viewer).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")));
        assertThat(forbidden.statusCode()).isEqualTo(403);
        assertThat(json.readTree(forbidden.body()).path("detail").asText()).contains("(vera) has the role(s) viewer", "needs operator");

        HttpResponse<String> read = send(get(T + "/things/a%2Fb?q=x%20y", operator));
        assertThat(read.statusCode()).as("an operator reads too").isEqualTo(200);
        assertThat(json.readTree(read.body())).isEqualTo(json.readTree("{\"id\":\"a/b\",\"by\":\"otto\",\"q\":\"x y\"}"));

        HttpResponse<String> created = send(get(T + "/things", operator).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"a\":1}")));
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.headers().firstValue("Location")).contains("/things/1");
    }

    @Test
    void every_decision_goes_to_the_access_audit_with_who_and_what_but_never_the_token() throws Exception {
        send(get(T + "/things/1", null));
        send(get(T + "/things", viewer).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")));
        send(get(T + "/things/2", viewer));
        send(get(T + "/open", null));

        String trail = String.join("\n", trail());
        assertThat(trail.lines()).hasSize(3);
        assertThat(trail.lines().toList().get(0)).contains("\"decision\":\"denied\"", "\"status\":401", "\"action\":\"GET " + T + "/things/{id}\"");
        assertThat(trail.lines().toList().get(1)).contains("\"decision\":\"denied\"", "\"status\":403", "\"name\":\"vera\"", "\"action\":\"POST " + T + "/things\"");
        assertThat(trail.lines().toList().get(2)).contains("\"decision\":\"allowed\"", "\"status\":200", "\"path\":\"" + T + "/things/2\"");
        assertThat(trail).doesNotContain(viewer, operator, ApiTokens.PREFIX);
        assertThat(trailVerifies()).isTrue();
    }

    @Test
    void every_response_carries_the_security_headers_problems_included() throws Exception {
        for (HttpResponse<String> response : java.util.List.of(send(get(T + "/open", null)), send(get("/nowhere", null)), send(get(T + "/things/1", null)))) {
            assertThat(response.headers().firstValue("Content-Security-Policy")).get().asString()
                    .contains("default-src 'self'", "frame-ancestors 'none'").doesNotContain("unsafe-inline");
            assertThat(response.headers().firstValue("X-Frame-Options")).contains("DENY");
            assertThat(response.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
            assertThat(response.headers().firstValue("Referrer-Policy")).contains("no-referrer");
        }
    }

    @Test
    void unknown_paths_are_404_and_known_paths_with_another_method_405_with_allow() throws Exception {
        HttpResponse<String> missing = send(get("/nowhere", viewer));
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(json.readTree(missing.body()).path("detail").asText()).contains("GET /nowhere is not served", "/q/openapi");
        HttpResponse<String> wrongMethod = send(get(T + "/open", viewer).DELETE());
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertThat(wrongMethod.headers().firstValue("Allow")).contains("GET");
    }

    @Test
    void a_literal_segment_wins_over_a_parameter() throws Exception {
        assertThat(send(get(T + "/things/special", viewer)).body()).contains("\"special\":true");
    }

    @Test
    void a_body_that_is_not_json_is_a_400_saying_where() throws Exception {
        HttpResponse<String> bad = send(get(T + "/things", operator).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"a\": ")));
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(json.readTree(bad.body()).path("detail").asText()).contains("not JSON", "line 1");
    }

    @Test
    void a_body_nested_deeper_than_the_parser_takes_is_a_400_problem_not_a_500() throws Exception {
        String deep = "[".repeat(5000) + "]".repeat(5000);
        HttpResponse<String> bad = send(get(T + "/things", operator).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"a\":" + deep + "}")));
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.headers().firstValue("Content-Type")).contains(Problem.MEDIA_TYPE);
        assertThat(json.readTree(bad.body()).path("detail").asText()).contains("nested deeper than 1000");
    }

    @Test
    void what_the_access_audit_keeps_of_a_long_path_is_cut_and_says_so() throws Exception {
        String long_ = "x".repeat(6000);
        assertThat(send(get(T + "/things/" + long_, null)).statusCode()).isEqualTo(401);

        String entry = trail().stream().filter(l -> l.contains("/things/xxx")).findFirst().orElseThrow();
        int kept = AccessAudit.MAX_FIELD - (T + "/things/").length();
        assertThat(entry).contains("\"path\":\"" + T + "/things/" + "x".repeat(kept) + "[cut: " + (6000 - kept) + " more characters]\"");
        assertThat(entry.length()).isLessThan(2 * AccessAudit.MAX_FIELD + 1000);
        assertThat(trailVerifies()).isTrue();
    }

    @Test
    void an_absurdly_long_request_target_is_refused_with_414_and_not_echoed_or_recorded() throws Exception {
        HttpResponse<String> refused = send(get(T + "/things/" + "x".repeat(100_000) + "?q=" + "y".repeat(10), null));
        assertThat(refused.statusCode()).isEqualTo(414);
        assertThat(refused.headers().firstValue("Content-Type")).contains(Problem.MEDIA_TYPE);
        assertThat(json.readTree(refused.body()).path("detail").asText()).contains("longer than " + dev.opsbook.http.RouterProblems.MAX_TARGET);
        assertThat(refused.body()).hasSizeLessThan(2000);
        assertThat(String.join("\n", trail()).length()).isLessThan(10_000);
    }

    @Test
    void an_unexpected_failure_is_a_500_problem_that_does_not_leak_its_message() throws Exception {
        HttpResponse<String> failed = send(get(T + "/fails", viewer));
        assertThat(failed.statusCode()).isEqualTo(500);
        assertThat(failed.body()).doesNotContain("secret inner detail").contains("its log says why");
    }

    @Test
    void content_is_negotiated_by_accept() throws Exception {
        assertThat(send(get(T + "/doc", viewer)).body()).isEqualTo("text/markdown");
        assertThat(send(get(T + "/doc", viewer).header("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")).body()).isEqualTo("text/html");
        assertThat(send(get(T + "/doc", viewer).header("Accept", "text/markdown;q=0.5, text/html;q=0.9")).body()).isEqualTo("text/html");
        assertThat(send(get(T + "/doc", viewer).header("Accept", "application/pdf")).statusCode()).isEqualTo(406);
    }

    @Test
    void a_browser_session_made_from_a_token_authenticates_and_its_unsafe_requests_need_the_csrf_token() throws Exception {
        Sessions.Session session = sessions.login(operator).orElseThrow();
        assertThat(sessions.login("opsbook_wrong")).isEmpty();
        String cookie = Sessions.COOKIE + "=" + session.id();
        HttpResponse<String> read = send(get(T + "/things/3", null).header("Cookie", cookie));
        assertThat(read.statusCode()).isEqualTo(200);

        HttpResponse<String> noCsrf = send(get(T + "/things", null).header("Cookie", cookie).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")));
        assertThat(noCsrf.statusCode()).isEqualTo(403);
        assertThat(noCsrf.body()).contains("CSRF");
        HttpResponse<String> withHeader = send(get(T + "/things", null).header("Cookie", cookie).header(AccessFilters.CSRF_HEADER, session.csrf())
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")));
        assertThat(withHeader.statusCode()).isEqualTo(201);

        sessions.logout(session.id());
        HttpResponse<String> after = send(get(T + "/things/3", null).header("Cookie", cookie));
        assertThat(after.statusCode()).isEqualTo(401);
        assertThat(after.body()).contains("session has ended");
    }

    @Test
    void a_session_ends_with_the_token_it_was_made_from() throws Exception {
        ApiTokens tokens = service.tokens();
        ApiTokens.Issued issued = tokens.issue("temp", Set.of(Role.VIEWER));
        Sessions.Session session = sessions.login(issued.secret()).orElseThrow();
        store.tokens().revokeToken(issued.token().id(), java.time.Instant.now());
        assertThat(sessions.find(session.id())).isEmpty();
        assertThat(send(get(T + "/things/1", issued.secret())).statusCode()).isEqualTo(401);
    }

    @Test
    void a_stream_sends_each_event_as_it_happens() throws Exception {
        HttpResponse<java.io.InputStream> response = http.send(get(T + "/stream", viewer).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.headers().firstValue("Content-Type")).get().asString().startsWith("text/event-stream");
        assertThat(response.headers().firstValue("X-Frame-Options")).contains("DENY");
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            assertThat(field(lines.readLine())).isEqualTo("event: tick");
            assertThat(field(lines.readLine())).isEqualTo("data: {\"n\":1}");
            assertThat(lines.lines().map(ServerTest::field).filter(l -> l.startsWith("data: ")).toList())
                    .containsExactly("data: {\"n\":2}", "data: {\"n\":3}");
        }
    }

    /** "event:tick" as "event: tick": the same field to an event-stream reader (one space after the colon is optional). */
    private static String field(String line) {
        int colon = line.indexOf(':');
        return colon <= 0 || line.startsWith(" ", colon + 1) ? line : line.substring(0, colon + 1) + " " + line.substring(colon + 1);
    }
}
