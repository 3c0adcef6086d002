package dev.opsbook.access;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/** An API token as stored: everything but its secret, of which only a hash is kept. */
public record ApiToken(String id, String name, Set<Role> roles, Instant createdAt, Optional<Instant> revokedAt) {

    public ApiToken {
        roles = roles.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(roles));
    }

    public boolean active() {
        return revokedAt.isEmpty();
    }

    public Principal principal() {
        return new Principal(id, name, roles);
    }
}
