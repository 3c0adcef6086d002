package dev.opsbook.http;

import io.quarkus.vertx.http.runtime.filters.Filters;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.Map;

/** Sent with every response of {@code serve}, problems, health and event streams included: a filter on Quarkus's router. */
@Singleton
public class SecurityHeaders {

    /** //why: no inline scripts or styles anywhere, so a value that slips into a page cannot run. */
    public static final Map<String, String> ALL = Map.of(
            "Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
            "X-Frame-Options", "DENY",
            "X-Content-Type-Options", "nosniff",
            "Referrer-Policy", "no-referrer",
            "Cache-Control", "no-store");

    void register(@Observes Filters filters) {
        filters.register(context -> {
            context.addHeadersEndHandler(ignored -> ALL.forEach((name, value) -> {
                if (!context.response().headers().contains(name)) {
                    context.response().putHeader(name, value);
                }
            }));
            context.next();
        }, 1000);
    }
}
