package dev.opsbook.serve;

import dev.opsbook.metrics.Health;
import dev.opsbook.service.Service;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.util.Optional;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/**
 * The service's readiness checks ({@link Health}: the store, whether it takes events, each within
 * its time limit) as SmallRye Health checks, answered at {@code /q/health/ready} and {@code /q/health}
 * (503 when any is down); until {@code serve} has installed its service each says DOWN, starting.
 * Liveness says only that the process answers.
 */
@ApplicationScoped
public class ServiceHealth {

    @Inject
    Serving serving;

    @Produces
    @Readiness
    HealthCheck store() {
        return () -> answer("store");
    }

    @Produces
    @Readiness
    HealthCheck acceptingEvents() {
        return () -> answer("accepting events");
    }

    @Produces
    @Liveness
    HealthCheck process() {
        return () -> HealthCheckResponse.up("process");
    }

    /** One of the service's checks as SmallRye reports it: the detail (the reason when down) under data. */
    HealthCheckResponse answer(String name) {
        Optional<Service> service = serving.current();
        if (service.isEmpty()) {
            return HealthCheckResponse.named(name).down().withData("detail", Serving.NotReady.MESSAGE).build();
        }
        Health.Result result = service.get().health().probe(name);
        var response = HealthCheckResponse.named(name).status(result.up());
        if (!result.detail().isEmpty()) {
            response.withData("detail", result.detail());
        }
        return response.build();
    }
}
