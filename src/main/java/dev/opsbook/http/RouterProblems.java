package dev.opsbook.http;

import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.TreeSet;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Problem documents for what Quarkus's router answers before any REST resource sees the request:
 * a request target longer than {@link #MAX_TARGET} (414, without echoing it), a path nothing serves
 * (404), a method a non-REST route does not take (405 with Allow), a body whose Content-Length is
 * over {@code quarkus.http.limits.max-body-size} (413, saying the limit).
 *
 * //why: Vert.x answers these itself in plain text; a client of the API gets a problem document
 * for every answer, and the router's error handlers are where Vert.x lets us say it.
 */
@Singleton
public class RouterProblems {

    /** The longest request target (path and query, as sent) answered; a longer one is refused with 414. */
    public static final int MAX_TARGET = 8192;

    void register(@Observes Filters filters) {
        // //why: after SecurityHeaders (priority 1000) so the refusal carries them too
        filters.register(context -> {
            String uri = context.request().uri();
            int length = uri == null ? 0 : uri.length();
            if (declaredLength(context) > maxBody.asLongValue()) {
                // //why: before Quarkus's own check, which answers 413 with no body
                context.response().putHeader("Connection", "close");
                send(context, JsonBodies.tooLarge(maxBody.asLongValue()), rawPath(context));
            } else if (length > MAX_TARGET) {
                // //why: no instance member: the problem would echo what was refused for its length
                send(context, new Problem(414, "URI too long", "the request's path and query are " + length
                        + " characters long, longer than " + MAX_TARGET + "; send parameters in a JSON body"), null);
            } else {
                context.next();
            }
        }, 900);
    }

    private volatile Router router;

    @ConfigProperty(name = "quarkus.http.limits.max-body-size", defaultValue = "1M")
    MemorySize maxBody;

    private static long declaredLength(RoutingContext context) {
        String length = context.request().getHeader("Content-Length");
        try {
            return length == null ? -1 : Long.parseLong(length.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    void register(@Observes Router router) {
        this.router = router;
        router.errorHandler(404, context -> send(context, Problem.notFound(context.request().method().name() + " "
                + rawPath(context) + " is not served; the API is described at /q/openapi"), rawPath(context)));
        router.errorHandler(405, context -> {
            String allowed = allowed(context);
            context.response().putHeader("Allow", allowed);
            send(context, new Problem(405, "Method not allowed", rawPath(context) + " answers " + allowed + ", not "
                    + context.request().method().name()), rawPath(context));
        });
        router.errorHandler(413, context -> send(context, JsonBodies.tooLarge(maxBody.asLongValue()), rawPath(context)));
    }

    private String allowed(RoutingContext context) {
        String already = context.response().headers().get("Allow");
        if (already != null) {
            return already;
        }
        TreeSet<String> methods = new TreeSet<>();
        for (var route : router.getRoutes()) {
            if (route.methods() != null && route.getPath() != null && route.getPath().equals(context.normalizedPath())) {
                route.methods().forEach(m -> methods.add(m.name()));
            }
        }
        return methods.isEmpty() ? "GET" : String.join(", ", List.copyOf(methods));
    }

    private static String rawPath(RoutingContext context) {
        String uri = context.request().uri();
        int query = uri.indexOf('?');
        return query < 0 ? uri : uri.substring(0, query);
    }

    static void send(RoutingContext context, Problem problem, String instance) {
        HttpServerResponse response = context.response();
        if (response.ended() || response.headWritten()) {
            return;
        }
        response.setStatusCode(problem.status()).putHeader("Content-Type", Problem.MEDIA_TYPE).end(problem.toJson(instance).toString());
    }
}
