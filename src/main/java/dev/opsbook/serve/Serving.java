package dev.opsbook.serve;

import dev.opsbook.service.Service;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/**
 * The one {@link Service} this Quarkus application serves: installed by {@code opsbook serve}
 * once its store is open and its runbooks are loaded (tests install their own), read by the
 * REST resources, the web pages, the authentication mechanism, the health checks and the
 * messaging channel. Until one is installed every route but health answers 503 and the channel
 * leaves messages in the queue.
 *
 * //why: the service is built from options picocli parses after Quarkus has booted, and tests
 * start one per test over one booted application; a holder lets both hand it over.
 */
@ApplicationScoped
@io.quarkus.arc.Unremovable
public class Serving {

    private volatile Service service;

    /** Serves this service from now on; its meters go to {@code /q/metrics}. */
    public void install(Service service) {
        Service before = this.service;
        if (before != null && before != service) {
            before.metrics().unpublish();
        }
        service.metrics().publish();
        this.service = service;
    }

    /** Forgets the service if it is this one (a test's, at its end). */
    public void uninstall(Service service) {
        if (this.service == service) {
            this.service = null;
            service.metrics().unpublish();
        }
    }

    public Optional<Service> current() {
        return Optional.ofNullable(service);
    }

    /** The service, or a 503 problem for the caller to see. */
    public Service get() {
        Service current = service;
        if (current == null) {
            throw NotReady.INSTANCE;
        }
        return current;
    }

    /** Thrown while no service is installed; mapped to 503 with Retry-After. */
    public static final class NotReady extends RuntimeException {
        /** What a caller, and the health checks, are told. */
        public static final String MESSAGE = "opsbook serve is starting: its store and runbooks are not loaded yet; try again in a moment";
        static final NotReady INSTANCE = new NotReady();

        private NotReady() {
            super(MESSAGE, null, false, false);
        }
    }
}
