package dev.opsbook.http;

import dev.opsbook.access.Role;

/** Who may call a route: anyone (health, the login form), or holders of a role. */
public sealed interface Access {

    Access PUBLIC = new Public();

    static Access role(Role role) {
        return new Needs(role);
    }

    record Public() implements Access {
    }

    /** Reading ({@link Role#VIEWER}) is granted by every role; see {@link dev.opsbook.access.Principal#may}. */
    record Needs(Role role) implements Access {
    }
}
