package dev.opsbook.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.opsbook.access.AccessAudit;
import dev.opsbook.access.Role;
import dev.opsbook.aws.AwsSettings;
import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.http.Problem;
import dev.opsbook.service.Service;
import dev.opsbook.steps.StandardSteps;
import dev.opsbook.store.JdbcRunStore;
import dev.opsbook.testing.Served;
import dev.opsbook.trigger.TriggerPatternCheck;
import io.quarkus.test.junit.QuarkusTest;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the mechanism and the problem mappers answer beyond the old ServerTest: pages, a service not ready, limits. */
@QuarkusTest
class AuthenticationTest {

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder at(String path) {
        return HttpRequest.newBuilder(URI.create(Served.base() + path));
    }

    private record Running(JdbcRunStore store, Service service, Served served, String instance) implements AutoCloseable {
        @Override
        public void close() {
            served.close();
            service.close();
            store.close();
        }
    }

    private Running serve() throws Exception {
        JdbcRunStore store = JdbcRunStore.open("jdbc:h2:mem:auth-test-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "", "");
        String instance = "auth-test-" + System.nanoTime();
        Service service = new Service(new Service.Config(List.of(Files.createDirectories(dir.resolve("runbooks"))), dir.resolve("records"),
                new AwsSettings(Optional.of("us-east-1"), Optional.empty(), Optional.empty()), 3, 4, dir,
                new Service.Leasing(instance, Duration.ofSeconds(30), Clock.systemUTC())),
                store, new RunbookLoader(StandardSteps.all().catalog(), List.of(new TriggerPatternCheck())),
                new PrintStream(java.io.OutputStream.nullOutputStream()));
        return new Running(store, service, Served.start(service), instance);
    }

    @Test
    void a_browser_asking_for_a_page_without_a_session_is_sent_to_the_login_form_and_back() throws Exception {
        try (Running running = serve()) {
            HttpResponse<String> page = send(at("/test-only/doc?q=1").header("Accept", "text/html,application/xhtml+xml"));
            assertThat(page.statusCode()).isEqualTo(303);
            assertThat(page.headers().firstValue("Location")).contains("/login?next=%2Ftest-only%2Fdoc");
            assertThat(page.headers().firstValue("X-Frame-Options")).contains("DENY");
            assertThat(String.join("\n", running.store().auditChains().read(AccessAudit.trailOf(running.instance())).lines()))
                    .contains("\"status\":401", "\"action\":\"GET /test-only/doc\"");

            HttpResponse<String> script = send(at("/test-only/doc"));
            assertThat(script.statusCode()).isEqualTo(401);
        }
    }

    @Test
    void an_authorization_header_that_is_not_bearer_is_a_401_saying_how_to_send_one() throws Exception {
        try (Running running = serve()) {
            HttpResponse<String> basic = send(at("/test-only/things/7").header("Authorization", "Basic dmVyYTpzZWNyZXQ="));
            assertThat(basic.statusCode()).isEqualTo(401);
            assertThat(basic.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"opsbook\"");
            assertThat(json.readTree(basic.body()).path("detail").asText()).isEqualTo(
                    "the Authorization header is not 'Bearer TOKEN'; send Authorization: Bearer <token from opsbook token create>");
            assertThat(json.readTree(basic.body()).path("instance").asText()).isEqualTo("/test-only/things/7");
        }
    }

    @Test
    void a_403_a_handler_answers_is_a_denial_in_the_access_audit_with_its_reason() throws Exception {
        try (Running running = serve()) {
            String operator = running.service().tokens().issue("otto", Set.of(Role.OPERATOR)).secret();
            HttpResponse<String> refused = send(at("/test-only/refuse").header("Authorization", "Bearer " + operator)
                    .POST(HttpRequest.BodyPublishers.noBody()));
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(refused.headers().firstValue("Content-Type")).contains(Problem.MEDIA_TYPE);
            List<String> trail = running.store().auditChains().read(AccessAudit.trailOf(running.instance())).lines();
            assertThat(trail).hasSize(1);
            assertThat(trail.get(0)).contains("\"decision\":\"denied\"", "\"status\":403", "\"name\":\"otto\"",
                    "\"action\":\"POST /test-only/refuse\"", "not among the approvers");
        }
    }

    @Test
    void before_a_service_is_installed_a_route_answers_503_with_retry_after() throws Exception {
        HttpResponse<String> early = send(at("/test-only/things/7").header("Authorization", "Bearer opsbook_anything"));
        assertThat(early.statusCode()).isEqualTo(503);
        assertThat(early.headers().firstValue("Retry-After")).isPresent();
        assertThat(early.headers().firstValue("Content-Type")).contains(Problem.MEDIA_TYPE);
        assertThat(json.readTree(early.body()).path("detail").asText()).contains("starting");
    }

    @Test
    void a_body_over_the_limit_is_a_413_problem_that_says_the_limit() throws Exception {
        try (Running running = serve()) {
            String operator = running.service().tokens().issue("otto", Set.of(Role.OPERATOR)).secret();
            HttpResponse<String> big = send(at("/test-only/things").header("Authorization", "Bearer " + operator)
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("\"" + "x".repeat(2 << 20) + "\"")));
            assertThat(big.statusCode()).isEqualTo(413);
            assertThat(big.headers().firstValue("Content-Type")).contains(Problem.MEDIA_TYPE);
            assertThat(json.readTree(big.body()).path("detail").asText()).isEqualTo("the body is larger than 1048576 bytes");
        }
    }

    @Test
    void a_path_under_a_resource_that_no_method_serves_is_a_404_problem() throws Exception {
        HttpResponse<String> missing = send(at("/test-only/nothing/here"));
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(json.readTree(missing.body()).path("detail").asText()).isEqualTo(
                "GET /test-only/nothing/here is not served; the API is described at /q/openapi");
    }
}
