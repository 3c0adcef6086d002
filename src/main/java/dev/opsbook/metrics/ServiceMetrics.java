package dev.opsbook.metrics;

import dev.opsbook.engine.RunEvent;
import dev.opsbook.engine.RunListener;
import dev.opsbook.runbook.Runbook;
import dev.opsbook.runbook.Step;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * What a service counts: runs by runbook and how they ended, step durations, events received and
 * what became of them, how long events waited in the queue, leases held, approvals waiting. The
 * meters live in a registry of this service's own; {@code serve} {@link #publish()}es them to the
 * Quarkus application's registry, which answers {@code /q/metrics} in Prometheus' text format with
 * the JVM's meters beside them, and {@link #unpublish()}es them when the service goes (a test's
 * service, so the next one counts from zero). Unpublished, the meters count nothing and cost nothing.
 */
public final class ServiceMetrics {

    private final CompositeMeterRegistry registry = new CompositeMeterRegistry();

    /**
     * Sends every meter to the application's registry from now on. Quarkus's Micrometer extension
     * makes Micrometer's global registry its root registry, the one its Prometheus registry hangs from.
     */
    public void publish() {
        registry.add(Metrics.globalRegistry);
    }

    /** Stops sending, and takes this service's meters out of the application's registry. */
    public void unpublish() {
        registry.remove(Metrics.globalRegistry);
        for (Meter meter : registry.getMeters()) {
            removeFrom(Metrics.globalRegistry, meter.getId());
        }
    }

    /** //why: a composite registry does not pass a removal on to the registries below it. */
    private static void removeFrom(MeterRegistry target, Meter.Id id) {
        target.remove(id);
        if (target instanceof CompositeMeterRegistry composite) {
            composite.getRegistries().forEach(child -> removeFrom(child, id));
        }
    }

    /** One event taken in by a channel (sqs, http), and what became of it (started, rejected, no-match, duplicate, ...). */
    public void eventHandled(String channel, String outcome) {
        Counter.builder("opsbook.events.received").description("Events taken in, by channel")
                .tag("channel", channel).register(registry).increment();
        Counter.builder("opsbook.events.handled").description("Events by what became of them; outcome=rejected are malformed or failed their types")
                .tag("channel", channel).tag("outcome", outcome).register(registry).increment();
    }

    /** A matching event that a limit (hourly, or concurrency with drop) kept from starting this runbook. */
    public void runSuppressed(String runbookId) {
        Counter.builder("opsbook.runs.suppressed").description("Runs a limit kept from starting")
                .tag("runbook", runbookId).register(registry).increment();
    }

    /** One channel of an escalation tier tried ({@code sns}, {@code webhook}, {@code pagerduty}, {@code email}): delivered or failed. */
    public void notification(String channel, String outcome) {
        Counter.builder("opsbook.notifications").description("Escalation notifications by channel and outcome (delivered, failed)")
                .tag("channel", channel).tag("outcome", outcome).register(registry).increment();
    }

    /** How long an event sat in the queue before this instance received it. */
    public void queueLag(Duration lag) {
        Timer.builder("opsbook.queue.lag").description("Time between an event entering the queue and its receipt")
                .register(registry).record(lag.isNegative() ? Duration.ZERO : lag);
    }

    public void gauge(String name, String description, Supplier<Number> value) {
        Gauge.builder(name, value).description(description).register(registry);
    }

    /** Counts a run's start, end and step durations; add it beside the run's other listeners. */
    public RunListener listener(Runbook runbook) {
        return (event, state) -> {
            if (event instanceof RunEvent.RunStarted started) {
                Counter.builder("opsbook.runs.started").description("Runs started, by runbook, trigger and whether a drill (game day)")
                        .tag("runbook", runbook.id()).tag("trigger", started.trigger()).tag("drill", String.valueOf(started.drill().isPresent()))
                        .register(registry).increment();
            } else if (event instanceof RunEvent.RunFinished finished) {
                Counter.builder("opsbook.runs.finished").description("Runs ended, by runbook, status (succeeded, failed, cancelled, waiting)"
                                + " and whether a drill (game day)")
                        .tag("runbook", runbook.id()).tag("status", finished.status().label()).tag("drill", String.valueOf(state.drill().isPresent()))
                        .register(registry).increment();
            } else if (event instanceof RunEvent.StepFinished finished && finished.status().isTerminal()) {
                state.execution(finished.key()).flatMap(e -> e.startedAt()).ifPresent(startedAt -> {
                    String kind = runbook.step(state.execution(finished.key()).get().stepId()).map(Step::kind).orElse("unknown");
                    Timer.builder("opsbook.step.duration").description("Step durations, from start to end, retries included")
                            .tag("runbook", runbook.id()).tag("kind", kind).tag("status", finished.status().label())
                            .tag("drill", String.valueOf(state.drill().isPresent()))
                            .register(registry).record(Duration.between(startedAt, finished.at()));
                });
            }
        };
    }
}
