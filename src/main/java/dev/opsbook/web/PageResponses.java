package dev.opsbook.web;

import dev.opsbook.access.Principal;
import dev.opsbook.access.Role;
import dev.opsbook.serve.Caller;
import io.quarkus.csrf.reactive.runtime.CsrfTokenParameterProvider;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A page as a response: its template ({@link Pages}) with who is looking, the form token every
 * form carries back as {@code _csrf}, and what the looker may do. Thread-safe.
 */
@ApplicationScoped
class PageResponses {

    static final String HTML = "text/html; charset=utf-8";

    private final Pages pages = new Pages();

    @Inject
    CsrfTokenParameterProvider csrf;

    /** @param identity who is looking, or null on a page shown to anyone (the login form) */
    Response page(int status, String template, SecurityIdentity identity, Map<String, Object> data) {
        Map<String, Object> all = new HashMap<>(data);
        Optional<Principal> who = Caller.principal(identity);
        all.put("user", who.map(p -> Map.of("name", p.name(), "roles",
                String.join(", ", p.roles().stream().map(Role::label).sorted().toList()))).orElse(null));
        all.putIfAbsent("csrf", formToken());
        all.put("canLaunch", who.map(p -> p.may(Role.OPERATOR)).orElse(false));
        all.put("canApprove", who.map(p -> p.may(Role.APPROVER)).orElse(false));
        return Response.status(status).type(HTML).entity(pages.render(template, all)).build();
    }

    Response error(int status, String title, String detail, SecurityIdentity identity) {
        return page(status, "error", identity, Map.of("title", title, "detail", detail));
    }

    Response notFound(String detail, SecurityIdentity identity) {
        return error(404, "Not found", detail, identity);
    }

    /**
     * The form token of this request: made fresh for a page (rest-csrf signs it into its cookie), or the one
     * a form came back with; empty where there is none (a request the CSRF filter did not see).
     */
    String formToken() {
        try {
            return Optional.ofNullable(csrf.getToken()).orElse("");
        } catch (IllegalStateException e) {
            return "";
        }
    }

    /** 303 to a path of this site, as given (not made absolute). */
    static Response seeOther(String path) {
        return Response.status(Response.Status.SEE_OTHER).header("Location", path).build();
    }

    static String runPath(String runId) {
        return "/runs/" + URLEncoder.encode(runId, StandardCharsets.UTF_8);
    }
}
