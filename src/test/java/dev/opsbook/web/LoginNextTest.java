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
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import dev.opsbook.testing.Served;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvFileSource;

/**
 * Where a login sends the browser afterwards, over HTTP against the real service: only a path of
 * this site is followed; every hostile {@code next} in {@code web/login-next.csv} ends at /runs.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LoginNextTest {

    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");
    private static final Pattern NEXT = Pattern.compile("name=\"next\" value=\"([^\"]*)\"");

    private RunStore store;
    private Service service;
    private Served served;
    private String base;
    private String token;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        Path runbooks = Files.createDirectories(dir.resolve("runbooks"));
        store = JdbcRunStore.open(JdbcRunStore.embeddedUrl(dir.resolve("store")), "", "");
        service = new Service(new Service.Config(List.of(runbooks), dir.resolve("records"),
                new AwsSettings(Optional.of("us-east-1"), Optional.empty(), Optional.empty()), 1, 1, dir),
                store, new RunbookLoader(StandardSteps.all().catalog()), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        served = Served.start(service);
        base = Served.base();
        token = new ApiTokens(store.tokens(), Clock.systemUTC()).issue("ada", Set.of(Role.VIEWER)).secret();
    }

    @AfterAll
    void stop() {
        served.close();
        service.close();
        store.close();
    }

    @ParameterizedTest(name = "next={0} leads to {1}")
    @CsvFileSource(resources = "/web/login-next.csv")
    void a_login_goes_on_to_a_path_of_this_site_and_nowhere_else(String rawNext, String expected) throws Exception {
        HttpResponse<String> form = http.send(HttpRequest.newBuilder(URI.create(base + "/login?next=" + rawNext)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(form.statusCode()).isEqualTo(200);
        Matcher next = NEXT.matcher(form.body());
        assertThat(next.find()).isTrue();
        assertThat(next.group(1)).as("the form's next").isEqualTo(expected);
        Matcher csrf = CSRF.matcher(form.body());
        assertThat(csrf.find()).isTrue();
        String cookie = form.headers().firstValue("Set-Cookie").orElseThrow().replaceAll("^([^;]+);.*$", "$1");

        String body = "token=" + URLEncoder.encode(token, StandardCharsets.UTF_8) + "&_csrf="
                + URLEncoder.encode(csrf.group(1), StandardCharsets.UTF_8) + "&next=" + rawNext;
        HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create(base + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Cookie", cookie)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(login.statusCode()).isEqualTo(303);
        assertThat(login.headers().allValues("Set-Cookie")).anyMatch(c -> c.startsWith(Sessions.COOKIE + "="));
        assertThat(login.headers().firstValue("Location")).as("where the browser goes").contains(expected);
    }
}
