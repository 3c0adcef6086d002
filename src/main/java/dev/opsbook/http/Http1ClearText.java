package dev.opsbook.http;

import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.http.HttpServerOptions;
import jakarta.inject.Singleton;

/**
 * Plain-HTTP clients speak HTTP/1.1 with serve: no {@code Upgrade: h2c}. HTTP/2 stays on for TLS (ALPN).
 *
 * //why: clients that offer the upgrade with a request body (the JDK's HttpClient does, on every
 * POST) get an empty 400 or a GOAWAY from Vert.x instead of their answer
 */
@Singleton
public class Http1ClearText implements HttpServerOptionsCustomizer {

    @Override
    public void customizeHttpServer(HttpServerOptions options) {
        options.setHttp2ClearTextEnabled(false);
    }
}
