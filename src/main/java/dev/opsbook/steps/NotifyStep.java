package dev.opsbook.steps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
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
 * {@code notify}: tells people through an SNS topic ({@code sns:}) and/or a webhook
 * ({@code webhook:}); {@code message:} is the text, {@code subject:} its first line.
 */
public final class NotifyStep implements StepExecutor {

    private final Notifier notifier;

    public NotifyStep(Notifier notifier) {
        this.notifier = notifier;
    }

    @Override
    public StepKindSpec spec() {
        return StepKindSpec.yaml("notify", Set.of("message"), Set.of("sns", "webhook", "subject")).withCheck((step, kind) -> {
            List<StepCheck.Problem> problems = new ArrayList<>();
            JsonNode settings = step.settings();
            if (!settings.has("sns") && !settings.has("webhook")) {
                problems.add(StepCheck.Problem.error("", "notify step needs where to send: 'sns:' (a topic ARN) and/or 'webhook:' (a URL)"));
            }
            String sns = settings.path("sns").asText("");
            if (!sns.isEmpty() && !sns.contains("{{") && !sns.startsWith("arn:aws")) {
                problems.add(StepCheck.Problem.error("/sns", "sns must be a topic ARN, e.g. arn:aws:sns:us-east-1:123456789012:oncall"));
            }
            String webhook = settings.path("webhook").asText("");
            if (!webhook.isEmpty() && !webhook.contains("{{") && !webhook.matches("https?://.+")) {
                problems.add(StepCheck.Problem.error("/webhook", "webhook must be an http(s) URL"));
            }
            return problems;
        }).withTraits(StepKindSpec.Trait.NOTIFIES);
    }

    @Override
    public StepOutcome execute(StepCall call) throws InterruptedException {
        JsonNode input = call.input();
        Notifier.Target target = new Notifier.Target(text(input, "sns"), text(input, "webhook"));
        String message = DrillMark.message(call, input.path("message").asText());
        String subject = DrillMark.subject(call, input.path("subject").asText("opsbook: " + call.step().id() + " in run " + call.runId()));
        // //why: the execution's key, not the step id: each item of a for-each (notify[2]) and each handler is a message of its
        // own, to a webhook that tells messages apart by run and step as to a FIFO topic that drops a repeated dedup id
        Notifier.Sent sent = notifier.send(target, subject, message,
                JsonNodeFactory.instance.objectNode().put("run", call.runId()).put("step", call.key()),
                "opsbook-" + call.runId() + "-" + call.step().id(),
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
