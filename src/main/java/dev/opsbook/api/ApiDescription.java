package dev.opsbook.api;

import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.servers.Server;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * What {@code /q/openapi} says of the API as a whole; SmallRye OpenAPI generates the routes from
 * the resources' annotations at build time.
 */
@OpenAPIDefinition(
        info = @Info(title = "opsbook API", version = "0.1.0", description = """
                Runbooks and their runs, served by `opsbook serve`. Every route but this description needs
                `Authorization: Bearer <token>` (create one with `opsbook token create --role ROLE`).
                Roles: `viewer` reads; `operator` also launches, cancels and resumes runs; `approver` also
                answers waiting steps. Errors are RFC 9457 problem documents (`application/problem+json`).
                """),
        servers = @Server(url = "/"),
        security = @SecurityRequirement(name = "bearer"),
        tags = {@Tag(name = "runbooks"), @Tag(name = "runs"), @Tag(name = "events")})
@SecurityScheme(securitySchemeName = "bearer", type = SecuritySchemeType.HTTP, scheme = "bearer",
        description = "A token from opsbook token create")
public final class ApiDescription {

    private ApiDescription() {
    }
}
