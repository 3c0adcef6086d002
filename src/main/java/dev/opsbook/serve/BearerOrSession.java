package dev.opsbook.serve;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.security.identity.request.BaseAuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpCredentialTransport;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.Cookie;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;

/**
 * Who sent a request: {@code Authorization: Bearer TOKEN}, else the browser session cookie
 * {@code opsbook_session}. The lookups are {@link CallerIdentities}'; here only which one, and the
 * failure text a 401 will carry ({@link #FAILURE} on the routing context, read by {@link ProblemMappers}).
 * Without either the request is anonymous, which a {@code @RolesAllowed} route answers with 401.
 */
@ApplicationScoped
public class BearerOrSession implements HttpAuthenticationMechanism {

    /** Routing-context key: why authentication failed (or would), in the words of the 401 problem. */
    public static final String FAILURE = "opsbook.auth-failure";
    /** Routing-context key: the {@link SecurityIdentity} this mechanism made, for the filters that audit and check CSRF. */
    public static final String IDENTITY = "opsbook.identity";

    static final String UNKNOWN_TOKEN = "the Bearer token is unknown or revoked; create one with opsbook token create --role ROLE";
    static final String NOT_BEARER = "the Authorization header is not 'Bearer TOKEN'; send Authorization: Bearer <token from opsbook token create>";
    static final String SESSION_ENDED = "the session has ended; log in again with a token";
    static final String NO_TOKEN = "this route needs a token: send Authorization: Bearer <token>; create one with opsbook token create --role ROLE";

    /** A Bearer token's secret to look up. */
    public static final class BearerRequest extends BaseAuthenticationRequest {
        final String secret;

        BearerRequest(String secret) {
            this.secret = secret;
        }
    }

    /** A browser session's id (the cookie's value) to look up. */
    public static final class SessionRequest extends BaseAuthenticationRequest {
        final String id;

        SessionRequest(String id) {
            this.id = id;
        }
    }

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identities) {
        String authorization = context.request().getHeader("Authorization");
        AuthenticationRequest request;
        if (authorization != null) {
            String value = authorization.strip();
            if (!value.regionMatches(true, 0, "Bearer ", 0, 7)) {
                context.put(FAILURE, NOT_BEARER);
                return Uni.createFrom().failure(new AuthenticationFailedException(NOT_BEARER));
            }
            context.put(FAILURE, UNKNOWN_TOKEN);
            request = new BearerRequest(value.substring(7).strip());
        } else {
            Cookie cookie = context.request().getCookie(dev.opsbook.access.Sessions.COOKIE);
            if (cookie == null) {
                context.put(FAILURE, NO_TOKEN);
                return Uni.createFrom().nullItem();
            }
            context.put(FAILURE, SESSION_ENDED);
            request = new SessionRequest(cookie.getValue());
        }
        return identities.authenticate(request).invoke(identity -> context.put(IDENTITY, identity));
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().item(new ChallengeData(401, "WWW-Authenticate", ProblemMappers.CHALLENGE));
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(BearerRequest.class, SessionRequest.class);
    }

    @Override
    public Uni<HttpCredentialTransport> getCredentialTransport(RoutingContext context) {
        return Uni.createFrom().item(new HttpCredentialTransport(HttpCredentialTransport.Type.AUTHORIZATION, "bearer"));
    }
}
