/**
 * The REST API under {@code /api} (JSON; problems as RFC 9457 documents): thin Quarkus REST
 * resources over the service's {@code RunOperations} and {@code RunQueries}, described at
 * {@code /q/openapi} by what SmallRye OpenAPI generates from them and from the definition below.
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
        tags = {@Tag(name = "runbooks"), @Tag(name = "runs"), @Tag(name = "events")},
        components = @Components(securitySchemes = @SecurityScheme(securitySchemeName = "bearer", type = SecuritySchemeType.HTTP,
                scheme = "bearer", description = "A token from opsbook token create")))
package dev.opsbook.api;

import org.eclipse.microprofile.openapi.annotations.Components;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.servers.Server;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
