package dev.opsbook.service;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.audit.AuditFact;
import dev.opsbook.metrics.ServiceMetrics;
import dev.opsbook.steps.Notifier;
import dev.opsbook.store.RunStore;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Tells one tier through its channels and writes down how it went: the store's notice (channels delivered, the failure,
 * when to retry), the run's audit trail, the metrics ({@code opsbook_notifications_total{channel,outcome}}), the log. A
 * channel that is down costs a retry, never the run: every failure is caught here. The run's record files (under
 * {@code --record-dir}) are written again after each change, since it comes after the run's last event.
 */
final class TierDelivery {

    private final RunStore store;
    private final Notifier notifier;
    private final ServiceMetrics metrics;
    private final Clock clock;
    private final PrintStream log;
    /** Writes a run's record files again ({@link RecordExport#changed}). */
    private final java.util.function.Consumer<String> records;

    TierDelivery(RunStore store, Notifier notifier, ServiceMetrics metrics, Clock clock, PrintStream log,
                 java.util.function.Consumer<String> records) {
        this.records = records;
        this.store = store;
        this.notifier = notifier;
        this.metrics = metrics;
        this.clock = clock;
        this.log = log;
    }

    /**
     * Sends {@code message} to the channels of {@code target} not in {@code delivered} yet, as attempt {@code attempt}.
     *
     * @param dedupKey PagerDuty's incident: one per run and step
     */
    void deliver(String runId, String occasion, int tier, Notifier.Target target, List<String> delivered, int attempt,
                 TierMessage message, String dedupKey) {
        Map<String, Boolean> outcome = new LinkedHashMap<>();
        List<String> failures = new ArrayList<>();
        Notifier.Target rest = new Notifier.Target(target.sns().filter(x -> !delivered.contains("sns")),
                target.webhook().filter(x -> !delivered.contains("webhook")), Optional.empty(),
                delivered.contains("email") ? List.of() : target.email());
        try {
            if (!rest.isEmpty()) {
                // //why: each tier is a message of its own to a FIFO topic, which drops a repeated deduplication id
                Notifier.Sent sent = notifier.send(rest, message.subject(), message.text(), message.details(), "opsbook-escalation-" + runId,
                        Optional.of(dedupKey + "/tier-" + (tier + 1)), call -> { });
                outcome.putAll(sent.delivered());
                failures.addAll(sent.failures());
            }
            if (target.pagerduty().isPresent() && !delivered.contains("pagerduty")) {
                Notifier.Sent sent = notifier.pagerDuty(target.pagerduty().get(), Notifier.PagerAction.TRIGGER, dedupKey, message.subject(),
                        message.details());
                outcome.putAll(sent.delivered());
                failures.addAll(sent.failures());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failures.add("interrupted while sending");
        } catch (RuntimeException e) {
            failures.add(e.getMessage() == null ? e.toString() : e.getMessage());
        }
        List<String> now = new ArrayList<>(delivered);
        outcome.forEach((channel, ok) -> {
            metrics.notification(channel, ok ? "delivered" : "failed");
            if (ok && !now.contains(channel)) {
                now.add(channel);
            }
        });
        List<String> wanted = channels(target);
        boolean complete = now.containsAll(wanted);
        Instant at = clock.instant();
        Optional<Instant> retryAt = complete ? Optional.empty() : Optional.of(TierDecisions.retryAt(attempt, at));
        String failure = complete ? "" : String.join("; ", failures.isEmpty() ? List.of("not delivered") : failures);
        store.attempted(runId, occasion, tier, now, failure, retryAt);
        ObjectNode data = JsonNodeFactory.instance.objectNode().put("run", runId).put("occasion", occasion).put("tier", tier + 1)
                .put("attempt", attempt);
        now.forEach(data.putArray("delivered")::add);
        if (!complete) {
            data.put("failure", failure);
            data.put("retryAt", retryAt.get().toString());
        }
        audit(runId, new AuditFact(at, "escalation-told", data));
        //why: serve's log makes a line starting "opsbook: " a warning; a tier told is news, a failed delivery a warning
        log.println((complete ? "" : "opsbook: ") + "escalation of run " + runId + " (" + occasion + "): tier " + (tier + 1) + " told through "
                + (now.isEmpty() ? "no channel" : String.join(", ", now))
                + (complete ? "" : "; " + failure + "; retried at " + retryAt.get()));
        recorded(runId);
    }

    /** The run's record shows what the store now says of its escalation: its files are written again. */
    void recorded(String runId) {
        records.accept(runId);
    }

    /** Tells PagerDuty that a person acted ({@code ACKNOWLEDGE}) or the run ended ({@code RESOLVE}); a failure is logged. */
    void pagerDuty(String routingKey, Notifier.PagerAction action, String dedupKey, String summary) {
        try {
            Notifier.Sent sent = notifier.pagerDuty(routingKey, action, dedupKey, summary, JsonNodeFactory.instance.objectNode());
            sent.delivered().forEach((channel, ok) -> metrics.notification(channel, ok ? "delivered" : "failed"));
            sent.failures().forEach(f -> log.println("opsbook: pagerduty " + action.eventAction() + " of " + dedupKey + " failed: " + f));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.println("opsbook: pagerduty " + action.eventAction() + " of " + dedupKey + " failed: " + e.getMessage());
        }
    }

    /** Adds an entry to the run's trail in the store; a trail that moved at the same moment is tried once more, then logged. */
    void audit(String runId, AuditFact fact) {
        for (int attempt = 1; attempt <= 2; attempt++) {
            try {
                store.auditChains().append(runId, fact);
                return;
            } catch (RuntimeException e) {
                if (attempt == 2) {
                    log.println("opsbook: cannot write " + fact.type() + " to the audit trail of run " + runId + ": " + e.getMessage());
                }
            }
        }
    }

    static List<String> channels(Notifier.Target target) {
        List<String> channels = new ArrayList<>();
        target.sns().ifPresent(x -> channels.add("sns"));
        target.webhook().ifPresent(x -> channels.add("webhook"));
        target.pagerduty().ifPresent(x -> channels.add("pagerduty"));
        if (!target.email().isEmpty()) {
            channels.add("email");
        }
        return channels;
    }
}
