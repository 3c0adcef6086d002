package dev.opsbook.metrics;

import dev.opsbook.engine.RunEvent;
import dev.opsbook.engine.RunListener;
import dev.opsbook.runbook.Runbook;
import dev.opsbook.runbook.Step;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * What {@code opsbook serve} counts, in Prometheus' text format at {@code /q/metrics}: runs by
 * runbook and how they ended, step durations, events received and what became of them, how long
 * events waited in the queue, leases held, approvals waiting.
 *
 * //why: Micrometer's Prometheus registry as a library, not the Quarkus extension: the extension
 * starts with every CLI command and wants Quarkus' HTTP server, which serve does not use.
 */
public final class ServiceMetrics {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    public ServiceMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
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
                Counter.builder("opsbook.runs.started").description("Runs started, by runbook and trigger")
                        .tag("runbook", runbook.id()).tag("trigger", started.trigger()).register(registry).increment();
            } else if (event instanceof RunEvent.RunFinished finished) {
                Counter.builder("opsbook.runs.finished").description("Runs ended, by runbook and status (succeeded, failed, cancelled, waiting)")
                        .tag("runbook", runbook.id()).tag("status", finished.status().label()).register(registry).increment();
            } else if (event instanceof RunEvent.StepFinished finished && finished.status().isTerminal()) {
                state.execution(finished.key()).flatMap(e -> e.startedAt()).ifPresent(startedAt -> {
                    String kind = runbook.step(state.execution(finished.key()).get().stepId()).map(Step::kind).orElse("unknown");
                    Timer.builder("opsbook.step.duration").description("Step durations, from start to end, retries included")
                            .tag("runbook", runbook.id()).tag("kind", kind).tag("status", finished.status().label())
                            .register(registry).record(Duration.between(startedAt, finished.at()));
                });
            }
        };
    }

    /** The Prometheus text exposition. */
    public String scrape() {
        return registry.scrape();
    }
}
