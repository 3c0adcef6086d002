package dev.opsbook.access;

import java.util.EnumSet;
import java.util.Set;

/**
 * Who a request comes from: the token that authenticated it (directly, or through a browser
 * session made from it), by its id and name, never by its secret.
 */
public record Principal(String tokenId, String name, Set<Role> roles) {

    public Principal {
        roles = roles.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(roles));
    }

    /** Reading is every role's; the others are granted only by name. */
    public boolean may(Role role) {
        return role == Role.VIEWER ? !roles.isEmpty() : roles.contains(role);
    }

    /** "ada (tok-1a2b3c)": how records and the audit name the person. */
    public String who() {
        return name + " (" + tokenId + ")";
    }
}
