package dev.opsbook.web;

import io.quarkus.csrf.reactive.runtime.CsrfTokenUtils;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.http.Cookie;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.MediaType;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * The form tokens of the pages, by quarkus-rest-csrf (configured in application.properties): a
 * page gets a fresh token in its forms' {@value #FIELD} field and the token's HMAC, under the
 * installation's key ({@code opsbook.csrf-key}), in the HttpOnly, SameSite=Strict cookie
 * {@value #COOKIE}; a form post is taken only when the field's HMAC is the cookie. Posts that are
 * not forms (the JSON API, {@code /events}) are not its business. Here: what a refused form gets
 * (403 and a page saying so, not rest-csrf's bare 400), and no token cookie on what is not a page.
 */
@ApplicationScoped
public class FormTokens {

    public static final String FIELD = "_csrf";
    public static final String COOKIE = "opsbook_csrf";
    /** The least key length rest-csrf signs with. */
    static final int KEY_LENGTH = 32;

    static final String REFUSED = "the form came without its CSRF token, or with one this page did not give it; "
            + "reload the page and try again";

    private static final SecureRandom RANDOM = new SecureRandom();

    @ConfigProperty(name = "quarkus.rest-csrf.token-signature-key")
    String key;

    @ConfigProperty(name = "quarkus.rest-csrf.token-size", defaultValue = "16")
    int tokenSize;

    @ConfigProperty(name = "quarkus.rest-csrf.cookie-max-age", defaultValue = "2H")
    Duration cookieMaxAge;

    @Inject
    PageResponses pages;

    /** A key too short fails the start in one line, rather than every page later. */
    void check(@Observes StartupEvent start) {
        if (key == null || key.length() < KEY_LENGTH) {
            throw new IllegalStateException("opsbook.csrf-key (OPSBOOK_CSRF_KEY) is " + (key == null ? 0 : key.length())
                    + " characters long; give at least " + KEY_LENGTH + " (openssl rand -base64 32 makes one), the same on every instance");
        }
    }

    /**
     * //why: rest-csrf refuses a form by aborting with an empty 400 before any resource runs; a person gets a page
     * that says what happened, the login form again for a login, with a token of its own
     */
    @ServerResponseFilter(priority = 4000)
    public void answer(ContainerRequestContext request, ContainerResponseContext response, RoutingContext routing) {
        if (refusedForm(request, response)) {
            response.setStatus(403);
            response.getHeaders().putSingle("Content-Type", PageResponses.HTML);
            response.setEntity(routing.normalizedPath().equals("/login")
                    ? pages.page(403, "login", null, Map.of("error",
                            "This login form did not come from this page, or has expired. Log in again here.", "next", NextPage.HOME,
                            "csrf", freshToken(routing))).getEntity()
                    : pages.error(403, "Form refused", REFUSED, null).getEntity());
            return;
        }
        boolean page = response.getMediaType() != null && response.getMediaType().isCompatible(MediaType.TEXT_HTML_TYPE);
        if (!page && !refusal(response)) {
            // //why: only a page shows the token it signs; a token cookie set by the stream, an asset or the API would orphan the page's forms
            routing.response().removeCookie(COOKIE, false);
        }
    }

    private static boolean refusedForm(ContainerRequestContext request, ContainerResponseContext response) {
        MediaType type = request.getMediaType();
        return refusal(response) && type != null && type.isCompatible(MediaType.APPLICATION_FORM_URLENCODED_TYPE)
                && !"GET".equals(request.getMethod());
    }

    private static boolean refusal(ContainerResponseContext response) {
        return response.getStatus() == 400 && !response.hasEntity();
    }

    /** A new token signed into the cookie, as rest-csrf makes them on a page, for the login form shown again. */
    private String freshToken(RoutingContext routing) {
        byte[] token = new byte[tokenSize];
        RANDOM.nextBytes(token);
        Cookie cookie = Cookie.cookie(COOKIE, CsrfTokenUtils.signCsrfToken(token, key)).setPath("/").setHttpOnly(true)
                .setSameSite(io.vertx.core.http.CookieSameSite.STRICT).setSecure(routing.request().isSSL())
                .setMaxAge(cookieMaxAge.toSeconds());
        routing.response().addCookie(cookie);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(token);
    }
}
