package dev.opsbook.api;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The routes the application's Jakarta REST resources serve, read from their annotations: what the OpenAPI document must describe. */
record ResourceRoutes(List<Route> routes) {

    /** "POST /api/runs/{id}/cancel" and the role its {@code @RolesAllowed} names (empty for a public route). */
    record Route(Class<?> resource, String method, String template, Optional<String> role) {
        String name() {
            return method + " " + template;
        }
    }

    /** Every resource method of the classes under {@code packageName} (tests' resources included: the booted application serves them too). */
    static ResourceRoutes under(String packageName) {
        List<Route> routes = new ArrayList<>();
        for (JavaClass type : new ClassFileImporter().importPackages(packageName)) {
            if (!type.isAnnotatedWith(Path.class)) {
                continue;
            }
            Class<?> resource = type.reflect();
            for (Method method : resource.getDeclaredMethods()) {
                verb(method).ifPresent(verb -> routes.add(new Route(resource, verb, template(resource.getAnnotation(Path.class), method.getAnnotation(Path.class)),
                        role(resource, method))));
            }
        }
        return new ResourceRoutes(List.copyOf(routes));
    }

    private static Optional<String> verb(Method method) {
        for (Annotation annotation : method.getAnnotations()) {
            HttpMethod http = annotation.annotationType().getAnnotation(HttpMethod.class);
            if (http != null) {
                return Optional.of(http.value());
            }
        }
        return Optional.empty();
    }

    private static String template(Path type, Path method) {
        String joined = ("/" + type.value() + "/" + (method == null ? "" : method.value()))
                .replaceAll("\\{\\s*([^}:\\s]+)\\s*:[^}]*}", "{$1}").replaceAll("/+", "/");
        return joined.length() > 1 && joined.endsWith("/") ? joined.substring(0, joined.length() - 1) : joined;
    }

    private static Optional<String> role(Class<?> resource, Method method) {
        RolesAllowed allowed = method.getAnnotation(RolesAllowed.class) != null ? method.getAnnotation(RolesAllowed.class)
                : resource.getAnnotation(RolesAllowed.class);
        return allowed == null || allowed.value().length == 0 ? Optional.empty() : Optional.of(allowed.value()[0]);
    }
}
