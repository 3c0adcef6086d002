package dev.opsbook.serve;

import dev.opsbook.access.Principal;
import dev.opsbook.access.Role;
import dev.opsbook.access.Sessions;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;

/**
 * Turns a Bearer token or a session id into a {@link SecurityIdentity} over the running service's
 * {@code ApiTokens} and {@code Sessions}: named by the token id, the {@link Principal} (and the
 * session) as attributes ({@link Caller}), roles the {@link Role} labels with {@code viewer} implied
 * by any ({@link Principal#may}). The lookups read the store, so they run on a worker thread.
 */
public final class CallerIdentities {

    private CallerIdentities() {
    }

    static SecurityIdentity identity(Principal principal, Optional<Sessions.Session> session) {
        QuarkusSecurityIdentity.Builder builder = QuarkusSecurityIdentity.builder()
                .setPrincipal(new QuarkusPrincipal(principal.tokenId()))
                .addAttribute(Caller.PRINCIPAL, principal);
        session.ifPresent(s -> builder.addAttribute(Caller.SESSION, s));
        for (Role role : Role.values()) {
            if (principal.may(role)) {
                builder.addRole(role.label());
            }
        }
        return builder.build();
    }

    @ApplicationScoped
    public static class Tokens implements IdentityProvider<BearerOrSession.BearerRequest> {

        @Inject
        Serving serving;

        @Override
        public Class<BearerOrSession.BearerRequest> getRequestType() {
            return BearerOrSession.BearerRequest.class;
        }

        @Override
        public Uni<SecurityIdentity> authenticate(BearerOrSession.BearerRequest request, AuthenticationRequestContext context) {
            return context.runBlocking(() -> serving.get().tokens().authenticate(request.secret)
                    .map(principal -> identity(principal, Optional.empty()))
                    .orElseThrow(() -> new AuthenticationFailedException(BearerOrSession.UNKNOWN_TOKEN)));
        }
    }

    @ApplicationScoped
    public static class Browsers implements IdentityProvider<BearerOrSession.SessionRequest> {

        @Inject
        Serving serving;

        @Override
        public Class<BearerOrSession.SessionRequest> getRequestType() {
            return BearerOrSession.SessionRequest.class;
        }

        @Override
        public Uni<SecurityIdentity> authenticate(BearerOrSession.SessionRequest request, AuthenticationRequestContext context) {
            return context.runBlocking(() -> serving.get().sessions().find(request.id)
                    .map(session -> identity(session.principal(), Optional.of(session)))
                    .orElseThrow(() -> new AuthenticationFailedException(BearerOrSession.SESSION_ENDED)));
        }
    }
}
