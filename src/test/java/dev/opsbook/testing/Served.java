package dev.opsbook.testing;

import dev.opsbook.serve.Serving;
import dev.opsbook.service.Service;
import io.quarkus.arc.Arc;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * A test's own {@link Service} served by the booted Quarkus application (in a {@code @QuarkusTest}):
 * started, installed where the resources, the mechanism and the channel find it, and let go at
 * the end, so each test has a fresh store over one application.
 */
public final class Served implements AutoCloseable {

    private final Service service;
    private final Serving serving;

    private Served(Service service, Serving serving) {
        this.service = service;
        this.serving = serving;
    }

    public static Served start(Service service) {
        service.start();
        Serving serving = Arc.container().instance(Serving.class).get();
        serving.install(service);
        return new Served(service, serving);
    }

    /** http://127.0.0.1:PORT, no trailing slash. */
    public static String base() {
        return "http://127.0.0.1:" + ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
    }

    public Service service() {
        return service;
    }

    /** Lets go of the service (it keeps running until the test closes it). */
    @Override
    public void close() {
        serving.uninstall(service);
    }
}
