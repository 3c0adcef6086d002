package dev.opsbook.serve;

import dev.opsbook.access.Principal;
import dev.opsbook.access.Sessions;
import io.quarkus.security.identity.SecurityIdentity;
import java.util.Optional;

/**
 * Who is calling, as the authentication mechanism found them: the {@link Principal} of the
 * Bearer token or of the browser session, kept on the Quarkus {@link SecurityIdentity} under
 * {@link #PRINCIPAL}, and the session under {@link #SESSION} when it came from one. Its roles are
 * the {@code Role} labels (viewer, operator, approver), viewer implied by any.
 */
public final class Caller {

    public static final String PRINCIPAL = "opsbook.principal";
    public static final String SESSION = "opsbook.session";

    private Caller() {
    }

    public static Optional<Principal> principal(SecurityIdentity identity) {
        return identity == null || identity.isAnonymous() ? Optional.empty()
                : Optional.ofNullable(identity.<Principal>getAttribute(PRINCIPAL));
    }

    public static Optional<Sessions.Session> session(SecurityIdentity identity) {
        return identity == null || identity.isAnonymous() ? Optional.empty()
                : Optional.ofNullable(identity.<Sessions.Session>getAttribute(SESSION));
    }
}
