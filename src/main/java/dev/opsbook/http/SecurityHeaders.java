package dev.opsbook.http;

import com.sun.net.httpserver.Headers;
import java.util.Map;

/** Sent with every response, problems and streams included. */
public final class SecurityHeaders {

    /** //why: no inline scripts or styles anywhere, so a value that slips into a page cannot run. */
    public static final Map<String, String> ALL = Map.of(
            "Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
            "X-Frame-Options", "DENY",
            "X-Content-Type-Options", "nosniff",
            "Referrer-Policy", "no-referrer",
            "Cache-Control", "no-store");

    private SecurityHeaders() {
    }

    static void addTo(Headers headers) {
        ALL.forEach((name, value) -> {
            if (!headers.containsKey(name)) {
                headers.set(name, value);
            }
        });
    }
}
