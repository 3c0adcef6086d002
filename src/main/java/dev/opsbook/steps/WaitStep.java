package dev.opsbook.steps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.aws.AwsCall;
import dev.opsbook.aws.AwsInvoker;
import dev.opsbook.aws.AwsServices;
import dev.opsbook.aws.AwsStepCheck;
import dev.opsbook.engine.StepCall;
import dev.opsbook.engine.StepExecutor;
import dev.opsbook.engine.StepOutcome;
import dev.opsbook.expression.ExpressionException;
import dev.opsbook.expression.Expressions;
import dev.opsbook.runbook.Durations;
import dev.opsbook.runbook.StepKindSpec;
import java.time.Duration;
import java.util.Set;

/**
 * {@code wait}: calls a read-only AWS operation until a JMESPath condition over the response
 * ({@code until:}) holds, every {@code interval} (growing by {@code backoff}, at most
 * {@code maxInterval}), for at most {@code timeout}. It fails with the last response.
 */
public final class WaitStep implements StepExecutor {

    private final AwsInvoker invoker;

    public WaitStep(AwsInvoker invoker) {
        this.invoker = invoker;
    }

    @Override
    public StepKindSpec spec() {
        return StepKindSpec.yaml("wait", Set.of("service", "operation", "until"),
                        Set.of("input", "region", "role", "interval", "backoff", "maxInterval", "timeout"))
                .withCheck(new AwsStepCheck(AwsServices.onClasspath(), true));
    }

    @Override
    public StepOutcome execute(StepCall call) throws InterruptedException {
        JsonNode input = call.input();
        AwsCall aws = AwsCall.from(input);
        String until = input.path("until").asText();
        Duration interval = duration(input, "interval", Duration.ofSeconds(5));
        Duration maxInterval = duration(input, "maxInterval", Duration.ofMinutes(1));
        Duration timeout = duration(input, "timeout", Duration.ofMinutes(10));
        double backoff = input.path("backoff").asDouble(1.0);
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode last = null;
        int polls = 0;
        while (true) {
            polls++;
            StepOutcome outcome = AwsStep.invoke(invoker, aws, call);
            if (outcome instanceof StepOutcome.Failed failed) {
                return failed;
            }
            last = outcome.result();
            try {
                if (Expressions.isTruthy(Expressions.evaluate(until, last))) {
                    ObjectNode result = last.deepCopy();
                    result.put("Polls", polls);
                    return new StepOutcome.Succeeded(result);
                }
            } catch (ExpressionException e) {
                return new StepOutcome.Failed("until: " + e.getMessage(), last);
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return new StepOutcome.Failed("gave up after " + Durations.format(timeout) + " and " + polls + " calls: "
                        + until + " never held; the last response is below", last);
            }
            Thread.sleep(Math.min(interval.toMillis(), Math.max(1, left / 1_000_000)));
            interval = Duration.ofMillis(Math.min(maxInterval.toMillis(), (long) (interval.toMillis() * backoff)));
        }
    }

    private static Duration duration(JsonNode input, String key, Duration fallback) {
        JsonNode value = input.get(key);
        return value == null || value.isNull() ? fallback : Durations.parse(value.asText()).orElse(fallback);
    }

    @Override
    public JsonNode preview(JsonNode input) {
        return AwsPreview.of(invoker, input);
    }
}
