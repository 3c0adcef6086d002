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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Login CSRF over HTTP against the real service: a login form posted from another site (which
 * cannot read or send the SameSite=Strict login cookie) makes no session, nor does a cookie and
 * field pair that this installation did not sign (chosen by an attacker, made by another
 * installation, or its expiry changed).
 */
class LoginCsrfTest {

    private static final Pattern HIDDEN = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    @TempDir
    Path dir;

    private RunStore store;
    private Service service;
    private String base;
    private String token;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        Path runbooks = Files.createDirectories(dir.resolve("runbooks"));
        store = JdbcRunStore.open(JdbcRunStore.embeddedUrl(dir.resolve("store")), "", "");
        service = new Service(new Service.Config(List.of(runbooks), dir.resolve("records"),
                new AwsSettings(Optional.of("us-east-1"), Optional.empty(), Optional.empty()), 1, 1, dir),
                store, new RunbookLoader(StandardSteps.all().catalog()), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        WebPages.addTo(service.router(), service.operations(), service.queries(), service.sessions());
        service.start();
        base = service.httpUrl().toString();
        token = new ApiTokens(store.tokens(), Clock.systemUTC()).issue("ada", Set.of(Role.VIEWER)).secret();
    }

    @AfterEach
    void stop() {
        service.close();
        store.close();
    }

    private HttpResponse<String> postLogin(Optional<String> cookie, Optional<String> csrf) throws Exception {
        String form = "token=" + URLEncoder.encode(token, StandardCharsets.UTF_8) + "&next=%2Frunbooks"
                + csrf.map(c -> "&_csrf=" + URLEncoder.encode(c, StandardCharsets.UTF_8)).orElse("");
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form));
        cookie.ifPresent(c -> request.header("Cookie", Sessions.LOGIN_COOKIE + "=" + c));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static boolean makesASession(HttpResponse<String> response) {
        return response.headers().allValues("Set-Cookie").stream().anyMatch(c -> c.startsWith(Sessions.COOKIE + "="));
    }

    @Test
    void the_login_form_carries_a_token_that_its_strict_cookie_holds_too_and_then_logs_in() throws Exception {
        HttpResponse<String> form = http.send(HttpRequest.newBuilder(URI.create(base + "/login")).build(), HttpResponse.BodyHandlers.ofString());
        String cookie = form.headers().firstValue("Set-Cookie").orElseThrow();
        Matcher hidden = HIDDEN.matcher(form.body());

        assertThat(cookie).startsWith(Sessions.LOGIN_COOKIE + "=").contains("HttpOnly", "SameSite=Strict", "Path=/login");
        assertThat(hidden.find()).as("a hidden _csrf field").isTrue();
        String value = cookie.substring(cookie.indexOf('=') + 1, cookie.indexOf(';'));
        assertThat(hidden.group(1)).isEqualTo(value);

        HttpResponse<String> login = postLogin(Optional.of(value), Optional.of(value));
        assertThat(login.statusCode()).isEqualTo(303);
        assertThat(login.headers().firstValue("Location")).contains("/runbooks");
        assertThat(makesASession(login)).isTrue();
    }

    @Test
    void a_login_without_the_forms_token_signed_by_this_installation_makes_no_session() throws Exception {
        HttpResponse<String> crossSite = postLogin(Optional.empty(), Optional.empty());
        HttpResponse<String> guessed = postLogin(Optional.empty(), Optional.of("guessed"));
        String real = http.send(HttpRequest.newBuilder(URI.create(base + "/login")).build(), HttpResponse.BodyHandlers.ofString())
                .headers().firstValue("Set-Cookie").orElseThrow().replaceAll("^[^=]+=([^;]+);.*$", "$1");
        HttpResponse<String> mismatched = postLogin(Optional.of(real), Optional.of("guessed"));

        HttpResponse<String> chosenPair = postLogin(Optional.of("attacker-chosen"), Optional.of("attacker-chosen"));
        String elsewhere;
        try (RunStore other = JdbcRunStore.open(JdbcRunStore.embeddedUrl(dir.resolve("other-installation")), "", "")) {
            elsewhere = new Sessions(new ApiTokens(other.tokens(), Clock.systemUTC()), Clock.systemUTC()).newLoginCsrf();
        }
        HttpResponse<String> otherInstallation = postLogin(Optional.of(elsewhere), Optional.of(elsewhere));
        String[] parts = real.split("\\.");
        String forged = parts[0] + "." + (Long.parseLong(parts[1]) + 86_400) + "." + parts[2];
        HttpResponse<String> longerLived = postLogin(Optional.of(forged), Optional.of(forged));

        for (HttpResponse<String> refused : List.of(crossSite, guessed, mismatched, chosenPair, otherInstallation, longerLived)) {
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(makesASession(refused)).isFalse();
            assertThat(refused.body()).contains("did not come from this page").contains("name=\"_csrf\"");
        }
    }
}
