package dev.opsbook.web;

import dev.opsbook.access.Sessions;
import dev.opsbook.serve.Caller;
import dev.opsbook.serve.Roles;
import dev.opsbook.serve.Serving;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;
import io.vertx.ext.web.RoutingContext;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import java.util.Optional;
import org.jboss.resteasy.reactive.RestForm;

/**
 * Logging in with a token and out again. The login form carries the same rest-csrf form token as
 * every other form ({@link FormTokens}), so another site cannot log a person into its own session;
 * a login that works sets the session cookie (HttpOnly, SameSite=Strict, Path=/, Secure when the
 * request came over TLS, directly or as a trusted proxy said).
 */
@Path("/")
@Blocking
public class LoginPage {

    @Inject
    Serving serving;

    @Inject
    PageResponses pages;

    @Inject
    SecurityIdentity identity;

    @GET
    @RolesAllowed(Roles.VIEWER)
    public Response home() {
        return PageResponses.seeOther(NextPage.HOME);
    }

    @GET
    @Path("login")
    @PermitAll
    @Produces(MediaType.TEXT_HTML)
    public Response form(@QueryParam("next") String next) {
        return loginPage(200, "", NextPage.from(Optional.ofNullable(next)));
    }

    @POST
    @Path("login")
    @PermitAll
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response login(@RestForm String token, @RestForm String next, RoutingContext routing) {
        String then = NextPage.from(Optional.ofNullable(next));
        Optional<Sessions.Session> session = Optional.ofNullable(token).map(String::strip)
                .flatMap(serving.get().sessions()::login);
        if (session.isEmpty()) {
            return loginPage(401, "That token is unknown or revoked. Paste the whole token that opsbook token create printed.", then);
        }
        return Response.fromResponse(PageResponses.seeOther(then)).cookie(sessionCookie(session.get().id(), routing, false)).build();
    }

    @POST
    @Path("logout")
    @RolesAllowed(Roles.VIEWER)
    public Response logout(RoutingContext routing) {
        Caller.session(identity).ifPresent(s -> serving.get().sessions().logout(s.id()));
        return Response.fromResponse(PageResponses.seeOther("/login")).cookie(sessionCookie("", routing, true)).build();
    }

    /** The login form; the rest-csrf filter has made its form token (or checked the one it came back with). */
    Response loginPage(int status, String error, String next) {
        return pages.page(status, "login", null, Map.of("error", error, "next", next));
    }

    /** The session cookie: not readable by scripts, never sent by other sites, only over TLS when it came over TLS. */
    static NewCookie sessionCookie(String value, RoutingContext routing, boolean ended) {
        NewCookie.Builder cookie = new NewCookie.Builder(Sessions.COOKIE).value(value).path("/").httpOnly(true)
                .sameSite(NewCookie.SameSite.STRICT).secure(routing.request().isSSL());
        return ended ? cookie.maxAge(0).build() : cookie.build();
    }
}
