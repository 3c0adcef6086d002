package dev.opsbook.serve;

import dev.opsbook.access.Role;

/**
 * The {@link Role} labels as constants, for {@code @RolesAllowed} on resources (an annotation
 * takes no method call). One role per route; {@link #VIEWER} is held by every token.
 */
public final class Roles {

    public static final String VIEWER = "viewer";
    public static final String OPERATOR = "operator";
    public static final String APPROVER = "approver";

    private Roles() {
    }

    /** The role a {@code @RolesAllowed} label names. */
    public static Role of(String label) {
        return Role.parse(label).orElseThrow(() -> new IllegalArgumentException(
                "@RolesAllowed(\"" + label + "\") names no role; use one of " + Role.labels()));
    }
}
