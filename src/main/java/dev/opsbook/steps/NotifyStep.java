package dev.opsbook.steps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.engine.StepCall;
import dev.opsbook.engine.StepExecutor;
import dev.opsbook.engine.StepOutcome;
import dev.opsbook.runbook.StepCheck;
import dev.opsbook.runbook.StepKindSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code notify}: tells people through an SNS topic ({@code sns:}), a webhook ({@code webhook:}), PagerDuty
 * ({@code pagerduty:}, a routing key) and/or email through SES ({@code email:}); {@code message:} is the text,
 * {@code subject:} its first line.
 */
public final class NotifyStep implements StepExecutor {

    static final List<String> CHANNELS = List.of("sns", "webhook", "pagerduty", "email");
    private static final Set<String> SEVERITIES = Set.of("critical", "error", "warning", "info");

    private final Notifier notifier;

    public NotifyStep(Notifier notifier) {
        this.notifier = notifier;
    }

    @Override
    public StepKindSpec spec() {
        return StepKindSpec.yaml("notify", Set.of("message"), Set.of("sns", "webhook", "pagerduty", "email", "severity", "subject"))
                .withCheck((step, kind) -> problems(step.settings())).withTraits(StepKindSpec.Trait.NOTIFIES);
    }

    private static List<StepCheck.Problem> problems(JsonNode settings) {
        List<StepCheck.Problem> problems = new ArrayList<>();
        if (CHANNELS.stream().noneMatch(settings::has)) {
            problems.add(StepCheck.Problem.error("", "notify step needs where to send: 'sns:' (a topic ARN), 'webhook:' (a URL),"
                    + " 'pagerduty:' (a routing key) and/or 'email:' (addresses)"));
        }
        String sns = settings.path("sns").asText("");
        if (!sns.isEmpty() && !sns.contains("{{") && !sns.startsWith("arn:aws")) {
            problems.add(StepCheck.Problem.error("/sns", "sns must be a topic ARN, e.g. arn:aws:sns:us-east-1:123456789012:oncall"));
        }
        String webhook = settings.path("webhook").asText("");
        if (!webhook.isEmpty() && !webhook.contains("{{") && !webhook.matches("https?://.+")) {
            problems.add(StepCheck.Problem.error("/webhook", "webhook must be an http(s) URL"));
        }
        if (settings.has("pagerduty") && (!settings.get("pagerduty").isTextual() || settings.get("pagerduty").asText().isBlank())) {
            problems.add(StepCheck.Problem.error("/pagerduty", "pagerduty must be a routing (integration) key, e.g."
                    + " \"{{ secret:ssm:/opsbook/pagerduty-key }}\""));
        }
        JsonNode email = settings.path("email");
        List<JsonNode> addresses = new ArrayList<>();
        if (email.isArray()) {
            email.forEach(addresses::add);
        } else if (!email.isMissingNode()) {
            addresses.add(email);
        }
        for (int i = 0; i < addresses.size(); i++) {
            String address = addresses.get(i).isTextual() ? addresses.get(i).asText() : "";
            if (!address.contains("{{") && !address.matches("[^@\\s]+@[^@\\s]+\\.[^@\\s]+")) {
                problems.add(StepCheck.Problem.error(email.isArray() ? "/email/" + i : "/email",
                        "email must be an address or a list of them, e.g. oncall@example.com"));
            }
        }
        if (settings.has("email") && addresses.isEmpty()) {
            problems.add(StepCheck.Problem.error("/email", "email must be an address or a list of them, e.g. oncall@example.com"));
        }
        String severity = settings.path("severity").asText("");
        if (settings.has("severity") && !severity.contains("{{") && !SEVERITIES.contains(severity)) {
            problems.add(StepCheck.Problem.error("/severity", "severity must be critical, error, warning or info (PagerDuty's)"));
        }
        return problems;
    }

    @Override
    public StepOutcome execute(StepCall call) throws InterruptedException {
        JsonNode input = call.input();
        List<String> email = new ArrayList<>();
        if (input.path("email").isArray()) {
            input.path("email").forEach(a -> email.add(a.asText()));
        } else {
            text(input, "email").ifPresent(email::add);
        }
        Notifier.Target target = new Notifier.Target(text(input, "sns"), text(input, "webhook"), text(input, "pagerduty"), email);
        String message = DrillMark.message(call, input.path("message").asText());
        String subject = DrillMark.subject(call, input.path("subject").asText("opsbook: " + call.step().id() + " in run " + call.runId()));
        ObjectNode details = JsonNodeFactory.instance.objectNode().put("run", call.runId()).put("step", call.key());
        text(input, "severity").ifPresent(severity -> details.put("severity", severity));
        // //why: the execution's key, not the step id: each item of a for-each (notify[2]) and each handler is a message of its
        // own, to a webhook that tells messages apart by run and step as to a FIFO topic that drops a repeated dedup id
        Notifier.Sent sent = notifier.send(target, subject, message, details, "opsbook-" + call.runId() + "-" + call.step().id(),
                Optional.of(dev.opsbook.aws.AwsInvoker.idempotencyToken("opsbook/" + call.runId() + "/" + call.key())), call.calls());
        return sent.failures().isEmpty()
                ? new StepOutcome.Succeeded(sent.result())
                : new StepOutcome.Failed(String.join("; ", sent.failures()), sent.result());
    }

    private static Optional<String> text(JsonNode input, String key) {
        String value = input.path(key).asText("");
        return value.isBlank() ? Optional.empty() : Optional.of(value);
    }
}
