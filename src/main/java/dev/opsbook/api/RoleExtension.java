package dev.opsbook.api;

import java.util.List;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.security.SecurityRequirement;

/**
 * Names each operation's role in {@code x-opsbook-role}, as the hand-kept description did: the
 * role its {@code @RolesAllowed} names, which SmallRye's generated security requirement carries
 * as the bearer scheme's scope. Public operations get none.
 */
public class RoleExtension implements OASFilter {

    static final String EXTENSION = "x-opsbook-role";

    @Override
    public Operation filterOperation(Operation operation) {
        List<SecurityRequirement> security = operation.getSecurity();
        if (security != null) {
            security.stream().map(SecurityRequirement::getSchemes).filter(s -> s != null && s.get("bearer") != null)
                    .flatMap(s -> s.get("bearer").stream()).findFirst()
                    .ifPresent(role -> operation.addExtension(EXTENSION, role));
        }
        return operation;
    }
}
