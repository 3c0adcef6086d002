package dev.opsbook.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opsbook.runbook.Escalation;
import dev.opsbook.runbook.Runbook;
import dev.opsbook.steps.Notifier;
import java.io.PrintStream;
import java.util.Optional;

/** Tells a runbook's escalation (SNS, webhook) that a run did not start, or waits too long for a person; the log hears it either way. */
final class EscalationSender implements Dispatcher.Escalation {

    private final Notifier notifier;
    private final PrintStream log;

    EscalationSender(Notifier notifier, PrintStream log) {
        this.notifier = notifier;
        this.log = log;
    }

    @Override
    public void tell(Runbook runbook, String reason, JsonNode event) {
        Optional<Escalation> escalation = runbook.escalation();
        String subject = subject(runbook, reason);
        log.println(subject + ": " + reason + (escalation.isEmpty() ? " (no escalation in its front matter)" : "; escalating"));
        if (escalation.isEmpty()) {
            return;
        }
        try {
            Notifier.Sent sent = notifier.send(escalation.get().first().map(Tier::target).orElse(new Notifier.Target(Optional.empty(), Optional.empty())), subject,
                    reason + "\nOwner: " + runbook.owner() + "\nEvent: " + event.path("id").asText(), event,
                    "opsbook-escalation-" + runbook.id(), call -> { });
            sent.failures().forEach(f -> log.println("opsbook: escalation of " + runbook.id() + " failed: " + f));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String subject(Runbook runbook, String reason) {
        return reason.startsWith("step '") ? "opsbook: " + runbook.id() + " waits for a person" : "opsbook: " + runbook.id() + " did not run";
    }
}
