package dev.opsbook.serve;

import dev.opsbook.access.Role;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.container.ResourceInfo;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.Optional;

/**
 * What the access audit and the problems call a route, read from its resource method:
 * "POST /api/runs/{id}/cancel" (HTTP method, class {@code @Path}, method {@code @Path}; a
 * template's regex dropped), the name the old router gave it; and the role its
 * {@code @RolesAllowed} needs (empty for a public route).
 */
public final class Routes {

    private Routes() {
    }

    /** The resource method a request matched, if one did (not for 404s and requests refused before matching). */
    public static Optional<Method> method(ResourceInfo info) {
        return info == null ? Optional.empty() : Optional.ofNullable(info.getResourceMethod());
    }

    /** "GET /api/runs/{id}", or METHOD PATH when no resource method matched. */
    public static String action(ResourceInfo info, String httpMethod, String path) {
        return method(info).map(m -> action(info.getResourceClass(), m)).orElse(httpMethod + " " + path);
    }

    public static String action(Class<?> resource, Method method) {
        String verb = "GET";
        for (Annotation annotation : method.getAnnotations()) {
            HttpMethod http = annotation.annotationType().getAnnotation(HttpMethod.class);
            if (http != null) {
                verb = http.value();
            }
        }
        return verb + " " + template(resource.getAnnotation(Path.class), method.getAnnotation(Path.class));
    }

    static String template(Path type, Path method) {
        String joined = "/" + (type == null ? "" : type.value()) + "/" + (method == null ? "" : method.value());
        String clean = joined.replaceAll("\\{\\s*([^}:\\s]+)\\s*:[^}]*}", "{$1}").replaceAll("/+", "/");
        return clean.length() > 1 && clean.endsWith("/") ? clean.substring(0, clean.length() - 1) : clean;
    }

    /** The role the route's {@code @RolesAllowed} (method first, then class) names; empty when it is public. */
    public static Optional<Role> needs(ResourceInfo info) {
        return method(info).flatMap(m -> {
            RolesAllowed allowed = m.getAnnotation(RolesAllowed.class);
            if (allowed == null && m.getAnnotation(jakarta.annotation.security.PermitAll.class) == null) {
                allowed = info.getResourceClass().getAnnotation(RolesAllowed.class);
            }
            return allowed == null || allowed.value().length == 0 ? Optional.empty() : Optional.of(Roles.of(allowed.value()[0]));
        });
    }
}
