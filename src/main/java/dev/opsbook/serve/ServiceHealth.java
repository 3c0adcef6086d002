package dev.opsbook.serve;

import dev.opsbook.metrics.Health;
import dev.opsbook.service.Service;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import io.smallrye.reactive.messaging.providers.extension.HealthCenter;
import jakarta.inject.Inject;
import java.util.Optional;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/**
 * The service's readiness checks ({@link Health}: the store, whether it takes events, each within
 * its time limit) and the channel's ({@link #queue()}) as SmallRye Health checks, answered at {@code /q/health/ready} and {@code /q/health}
 * (503 when any is down); until {@code serve} has installed its service each says DOWN, starting.
 * Liveness says only that the process answers.
 */
@ApplicationScoped
public class ServiceHealth {

    @Inject
    Serving serving;

    @Inject
    QueueWatch queue;

    @Inject
    HealthCenter channels;

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

    /**
     * The channel {@code events}: SmallRye's report of it (a connector that failed, whatever the broker), and for SQS
     * whether the queue answers receives ({@link QueueWatch}).
     *
     * //why: one check named "queue" in place of SmallRye's own readiness check (quarkus.messaging.health.enabled=false),
     * so a probe reads the same three names whatever the connector
     */
    @Produces
    @Readiness
    HealthCheck queue() {
        return () -> {
            var response = HealthCheckResponse.named("queue");
            try {
                String detail = queue.check();
                String failed = String.join("; ", channels.getReadiness().getChannels().stream().filter(c -> !c.isOk())
                        .map(c -> "channel " + c.getChannel() + ": " + (c.getMessage() == null ? "down" : c.getMessage())).toList());
                return (failed.isEmpty() ? response.up().withData("detail", detail) : response.down().withData("detail", failed)).build();
            } catch (IllegalStateException e) {
                return response.down().withData("detail", e.getMessage()).build();
            }
        };
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
