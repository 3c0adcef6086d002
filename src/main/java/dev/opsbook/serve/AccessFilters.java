package dev.opsbook.serve;

import dev.opsbook.access.AccessAudit;
import dev.opsbook.access.Principal;
import dev.opsbook.access.Role;
import dev.opsbook.access.Sessions;
import dev.opsbook.http.Problem;
import dev.opsbook.http.Problems;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Response;
import java.util.Optional;
import java.util.Set;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * After Quarkus checked a route's role: the CSRF token of a browser session's unsafe JSON request,
 * and the access audit of every answer to a caller with a principal (a 403 a handler answered is a
 * denial, with its reason). The 401s and the 403s of a missing role are recorded by {@link ProblemMappers}.
 */
public class AccessFilters {

    /** The header a script sends its session's CSRF token in. */
    public static final String CSRF_HEADER = "X-CSRF-Token";
    /** The form field of the old pages, still named in the refusal. */
    static final String CSRF_FIELD = "_csrf";

    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");

    @Inject
    CurrentVertxRequest current;

    @Inject
    AccessRecords records;

    /**
     * //why: forms of web pages (urlencoded, multipart) are checked by quarkus-rest-csrf, the web
     * part's; this check keeps the JSON API's rule: a session's unsafe request carries X-CSRF-Token.
     */
    @ServerRequestFilter
    public Uni<Response> csrf(ContainerRequestContext request, ResourceInfo route) {
        RoutingContext context = current.getCurrent();
        Optional<Sessions.Session> session = AccessRecords.identity(context).flatMap(Caller::session);
        if (session.isEmpty() || SAFE_METHODS.contains(request.getMethod()) || isForm(request.getHeaderString("Content-Type"))
                || Routes.needs(route).isEmpty()
                || Sessions.csrfMatches(session.get(), request.getHeaderString(CSRF_HEADER))) {
            return Uni.createFrom().nullItem();
        }
        String path = request.getUriInfo().getRequestUri().getRawPath();
        String reason = "the request came with a browser session but without its CSRF token (" + CSRF_FIELD
                + " form field or " + CSRF_HEADER + " header); reload the page and try again";
        return records.record(context, new AccessAudit.Decision(false, 403, Optional.of(session.get().principal()), request.getMethod(),
                path, Routes.action(route, request.getMethod(), path), reason), () -> Problems.response(Problem.forbidden(reason), path).build());
    }

    static boolean isForm(String contentType) {
        return contentType != null && (contentType.startsWith("application/x-www-form-urlencoded") || contentType.startsWith("multipart/form-data"));
    }

    @ServerResponseFilter
    public Uni<Void> audit(ContainerRequestContext request, ContainerResponseContext response, ResourceInfo route) {
        RoutingContext context = current.getCurrent();
        Optional<Principal> principal = AccessRecords.principal(context);
        Optional<Role> needs = Routes.needs(route);
        if (principal.isEmpty() || needs.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        String path = request.getUriInfo().getRequestUri().getRawPath();
        String action = Routes.action(route, request.getMethod(), path);
        // //why: a handler that refuses this principal (an approver not listed) is a denial, kept with its reason
        boolean denied = response.getStatus() == 403;
        String refusal = context.get(AccessRecords.REFUSAL);
        AccessAudit.Decision decision = new AccessAudit.Decision(!denied, response.getStatus(), principal, request.getMethod(), path, action,
                denied ? (refusal != null ? refusal : action + " refused this principal") : "role " + needs.get().label());
        return records.record(context, decision, () -> null);
    }
}
