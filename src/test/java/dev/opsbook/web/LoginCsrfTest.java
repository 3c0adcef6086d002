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
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import dev.opsbook.testing.Served;
import io.quarkus.csrf.reactive.runtime.CsrfTokenUtils;
import io.quarkus.test.junit.QuarkusTest;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Login CSRF over HTTP against the real service: a login form posted from another site (which
 * cannot read or send the SameSite=Strict form-token cookie) makes no session, nor does a cookie
 * and field pair that this installation did not sign (chosen by an attacker, made by another
 * installation, or its token changed).
 */
@QuarkusTest
class LoginCsrfTest {

    private static final Pattern HIDDEN = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    @TempDir
    Path dir;

    private RunStore store;
    private Service service;
    private Served served;
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
        served = Served.start(service);
        base = Served.base();
        token = new ApiTokens(store.tokens(), Clock.systemUTC()).issue("ada", Set.of(Role.VIEWER)).secret();
    }

    @AfterEach
    void stop() {
        served.close();
        service.close();
        store.close();
    }

    private HttpResponse<String> postLogin(Optional<String> cookie, Optional<String> csrf) throws Exception {
        String form = "token=" + URLEncoder.encode(token, StandardCharsets.UTF_8) + "&next=%2Frunbooks"
                + csrf.map(c -> "&_csrf=" + URLEncoder.encode(c, StandardCharsets.UTF_8)).orElse("");
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form));
        cookie.ifPresent(c -> request.header("Cookie", FormTokens.COOKIE + "=" + c));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String key() {
        return ConfigProvider.getConfig().getValue("quarkus.rest-csrf.token-signature-key", String.class);
    }

    private static boolean makesASession(HttpResponse<String> response) {
        return response.headers().allValues("Set-Cookie").stream().anyMatch(c -> c.startsWith(Sessions.COOKIE + "="));
    }

    @Test
    void the_login_form_carries_a_token_that_its_strict_cookie_holds_too_and_then_logs_in() throws Exception {
        HttpResponse<String> form = http.send(HttpRequest.newBuilder(URI.create(base + "/login")).build(), HttpResponse.BodyHandlers.ofString());
        String cookie = form.headers().firstValue("Set-Cookie").orElseThrow();
        Matcher hidden = HIDDEN.matcher(form.body());

        assertThat(cookie).startsWith(FormTokens.COOKIE + "=");
        // //why: cookie attributes are case-insensitive; Vert.x writes HTTPOnly
        assertThat(cookie.toLowerCase(java.util.Locale.ROOT)).contains("httponly", "samesite=strict", "path=/");
        assertThat(hidden.find()).as("a hidden _csrf field").isTrue();
        String value = cookie.substring(cookie.indexOf('=') + 1, cookie.indexOf(';'));
        // //why: rest-csrf's cookie holds the field's HMAC under this installation's key, not the field itself
        assertThat(CsrfTokenUtils.signCsrfToken(hidden.group(1), key())).isEqualTo(value);

        HttpResponse<String> login = postLogin(Optional.of(value), Optional.of(hidden.group(1)));
        assertThat(login.statusCode()).isEqualTo(303);
        assertThat(login.headers().firstValue("Location")).contains("/runbooks");
        assertThat(makesASession(login)).isTrue();
    }

    @Test
    void a_login_without_the_forms_token_signed_by_this_installation_makes_no_session() throws Exception {
        HttpResponse<String> crossSite = postLogin(Optional.empty(), Optional.empty());
        HttpResponse<String> guessed = postLogin(Optional.empty(), Optional.of("guessed"));
        HttpResponse<String> form = http.send(HttpRequest.newBuilder(URI.create(base + "/login")).build(), HttpResponse.BodyHandlers.ofString());
        String real = form.headers().firstValue("Set-Cookie").orElseThrow().replaceAll("^[^=]+=([^;]+);.*$", "$1");
        Matcher hidden = HIDDEN.matcher(form.body());
        assertThat(hidden.find()).isTrue();
        HttpResponse<String> mismatched = postLogin(Optional.of(real), Optional.of("guessed"));

        // a pair an attacker chose and planted: a well-formed token and a cookie equal to it (not signed)
        String chosen = Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[32]);
        HttpResponse<String> chosenPair = postLogin(Optional.of(chosen), Optional.of(chosen));
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[16]);
        String elsewhere = CsrfTokenUtils.signCsrfToken(token, "the key of another installation, 32+ characters long");
        HttpResponse<String> otherInstallation = postLogin(Optional.of(elsewhere), Optional.of(token));
        // the page's own token with its first character changed, under the page's cookie
        //why: the last base64url character carries padding bits the decoder ignores; the first carries six real bits
        String field = hidden.group(1);
        String changed = (field.startsWith("A") ? "B" : "A") + field.substring(1);
        HttpResponse<String> altered = postLogin(Optional.of(real), Optional.of(changed));

        for (HttpResponse<String> refused : List.of(crossSite, guessed, mismatched, chosenPair, otherInstallation, altered)) {
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(makesASession(refused)).isFalse();
            assertThat(refused.body()).contains("did not come from this page").contains("name=\"_csrf\"");
        }
    }
}
