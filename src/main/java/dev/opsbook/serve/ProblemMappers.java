package dev.opsbook.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.opsbook.access.AccessAudit;
import dev.opsbook.access.Principal;
import dev.opsbook.access.Role;
import dev.opsbook.http.JsonBodies;
import dev.opsbook.http.Problem;
import dev.opsbook.http.ProblemException;
import dev.opsbook.http.Problems;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Inject;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Response;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Every failure of a REST route as an RFC 9457 problem document ({@code instance} the path), in
 * the words of the old server: what a handler threw ({@link ProblemException}), the service not
 * installed yet (503), no or a bad credential (401, or for a browser asking for a page the login
 * form), a missing role (403), what Quarkus REST refuses itself (404, 405, 406, 415), a body that is
 * not JSON (400), and anything else (500, the exception in the log only). 401s and 403s are
 * recorded in the access audit.
 */
public class ProblemMappers {

    static final String CHALLENGE = "Bearer realm=\"opsbook\"";
    /** Seconds a client waits before asking a service that is still starting again. */
    static final String RETRY_AFTER = "2";

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @Inject
    CurrentVertxRequest current;

    @Inject
    AccessRecords records;

    @Inject
    RouteIndex routes;

    private RoutingContext context() {
        return current.getCurrent();
    }

    @ServerExceptionMapper
    public Response problem(ProblemException e, ContainerRequestContext request) {
        if (e.problem().status() == 403 && context() != null) {
            context().put(AccessRecords.REFUSAL, e.problem().detail());
        }
        return Problems.response(e.problem(), path(request), e.extra()).build();
    }

    @ServerExceptionMapper
    public Response notReady(Serving.NotReady e, ContainerRequestContext request) {
        return Problems.response(Problem.unavailable(e.getMessage()), path(request)).header("Retry-After", RETRY_AFTER).build();
    }

    @ServerExceptionMapper
    public Uni<Response> unauthorized(UnauthorizedException e, ContainerRequestContext request, ResourceInfo route) {
        return unauthenticated(request, route);
    }

    @ServerExceptionMapper
    public Uni<Response> authenticationFailed(AuthenticationFailedException e, ContainerRequestContext request, ResourceInfo route) {
        if (e.getCause() instanceof Serving.NotReady notReady) {
            return Uni.createFrom().item(notReady(notReady, request));
        }
        return unauthenticated(request, route);
    }

    private Uni<Response> unauthenticated(ContainerRequestContext request, ResourceInfo route) {
        RoutingContext context = context();
        String failure = context == null || context.get(BearerOrSession.FAILURE) == null
                ? BearerOrSession.NO_TOKEN : context.get(BearerOrSession.FAILURE);
        String method = request.getMethod();
        String path = path(request);
        AccessAudit.Decision decision = new AccessAudit.Decision(false, 401, Optional.empty(), method, path,
                Routes.action(route, method, path), failure);
        return records.record(context, decision, () -> wantsPage(method, path, request.getHeaderString("Accept"))
                ? Response.status(303).header("Location", "/login?next=" + URLEncoder.encode(path, StandardCharsets.UTF_8)).build()
                : Problems.response(Problem.unauthorized(failure), path).header("WWW-Authenticate", CHALLENGE).build());
    }

    /** A browser asking for a page (not the JSON API) is sent to the login form, and back afterwards. */
    static boolean wantsPage(String method, String path, String accept) {
        return method.equals("GET") && accept != null && accept.contains("text/html") && !path.startsWith("/api/");
    }

    @ServerExceptionMapper
    public Uni<Response> forbidden(ForbiddenException e, ContainerRequestContext request, ResourceInfo route) {
        RoutingContext context = context();
        Optional<Principal> principal = AccessRecords.principal(context);
        String method = request.getMethod();
        String path = path(request);
        String action = Routes.action(route, method, path);
        String reason = principal.map(p -> missingRole(p, action, Routes.needs(route))).orElse(action + " is not allowed");
        return records.record(context, new AccessAudit.Decision(false, 403, principal, method, path, action, reason),
                () -> Problems.response(Problem.forbidden(reason + "; ask for a token with that role"), path).build());
    }

    /** "token tok-1 (vera) has the role(s) viewer; POST /things needs operator". */
    static String missingRole(Principal principal, String action, Optional<Role> needs) {
        return "token " + principal.tokenId() + " (" + principal.name() + ") has the role(s) "
                + String.join(", ", principal.roles().stream().map(Role::label).sorted().toList())
                + "; " + action + " needs " + needs.map(Role::label).orElse("another role");
    }

    @ServerExceptionMapper
    public Response refused(WebApplicationException e, ContainerRequestContext request, ResourceInfo route) {
        int status = e.getResponse().getStatus();
        String method = request.getMethod();
        String path = path(request);
        Response.ResponseBuilder answer = switch (status) {
            case 404 -> Problems.response(Problem.notFound(Routes.method(route).isEmpty() || e.getMessage() == null
                    ? notServed(method, path) : e.getMessage()), path);
            case 405 -> {
                String allow = e.getResponse().getHeaderString("Allow");
                if (allow == null && !routes.methodsAt(path).isEmpty()) {
                    allow = String.join(", ", routes.methodsAt(path));
                }
                yield Problems.response(new Problem(405, "Method not allowed", path + " answers "
                        + (allow == null ? "other methods" : allow) + ", not " + method), path).header("Allow", allow);
            }
            case 406 -> Problems.response(new Problem(406, "Not acceptable", "no representation of " + path + " matches Accept: "
                    + request.getHeaderString("Accept")), path);
            case 415 -> Problems.response(new Problem(415, "Unsupported media type", path + " does not read "
                    + request.getHeaderString("Content-Type") + "; send application/json"), path);
            case 400 -> Problems.response(e.getCause() instanceof JsonProcessingException notJson ? JsonBodies.problem(notJson)
                    : Problem.badRequest(String.valueOf(e.getMessage())), path);
            default -> Problems.response(new Problem(status, Response.Status.fromStatusCode(status) == null ? "Error"
                    : Response.Status.fromStatusCode(status).getReasonPhrase(), String.valueOf(e.getMessage())), path);
        };
        return answer.build();
    }

    /** "GET /nowhere is not served; the API is described at /q/openapi". */
    public static String notServed(String method, String path) {
        return method + " " + path + " is not served; the API is described at /q/openapi";
    }

    @ServerExceptionMapper
    public Response notJson(JsonProcessingException e, ContainerRequestContext request) {
        return Problems.response(JsonBodies.problem(e), path(request)).build();
    }

    @ServerExceptionMapper
    public Response failed(Throwable e, ContainerRequestContext request, ResourceInfo route) {
        if (e instanceof WebApplicationException refusal) {
            return refused(refusal, request, route);
        }
        String path = path(request);
        String action = Routes.action(route, request.getMethod(), path);
        LOG.errorf(e, "%s failed", action);
        return Problems.response(new Problem(500, "Internal error", "the service failed to answer " + action
                + "; its log says why"), path).build();
    }

    private static String path(ContainerRequestContext request) {
        return request.getUriInfo().getRequestUri().getRawPath();
    }
}
