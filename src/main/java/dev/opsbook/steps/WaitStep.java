package dev.opsbook.steps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.aws.AwsApi;
import dev.opsbook.aws.AwsCall;
import dev.opsbook.aws.AwsServices;
import dev.opsbook.aws.AwsStepCheck;
import dev.opsbook.engine.StepCall;
import dev.opsbook.engine.StepExecutor;
import dev.opsbook.engine.StepOutcome;
import dev.opsbook.expression.ExpressionException;
import dev.opsbook.expression.Expressions;
import dev.opsbook.runbook.Durations;
import dev.opsbook.runbook.RunbookKind;
import dev.opsbook.runbook.Step;
import dev.opsbook.runbook.StepCheck;
import dev.opsbook.runbook.StepKindSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code wait}: calls a read-only AWS operation until a JMESPath condition over the response
 * ({@code until:}) holds, every {@code interval} (growing by {@code backoff}, at most
 * {@code maxInterval}), for at most {@code timeout}. It fails with the last response.
 */
public final class WaitStep implements StepExecutor {

    private final AwsApi invoker;
    private final Pacing pacing;

    public WaitStep(AwsApi invoker) {
        this(invoker, Pacing.REAL);
    }

    public WaitStep(AwsApi invoker, Pacing pacing) {
        this.invoker = invoker;
        this.pacing = pacing;
    }

    @Override
    public StepKindSpec spec() {
        return StepKindSpec.yaml("wait", Set.of("service", "operation", "until"),
                        Set.of("input", "region", "role", "interval", "backoff", "maxInterval", "timeout"))
                .withCheck(WaitStep::check)
                .withTraits(StepKindSpec.Trait.READ_ONLY, StepKindSpec.Trait.CALLS_AWS);
    }

    private static final AwsStepCheck CALL_CHECK = new AwsStepCheck(AwsServices.onClasspath(), true);

    /** The call, and the pacing: a value that is not a duration must not silently become the default. */
    static List<StepCheck.Problem> check(Step step, RunbookKind kind) {
        List<StepCheck.Problem> problems = new ArrayList<>(CALL_CHECK.check(step, kind));
        JsonNode settings = step.settings();
        for (String key : List.of("interval", "maxInterval", "timeout")) {
            JsonNode value = settings.get(key);
            if (value != null && !value.isNull() && !value.asText().contains("{{")) {
                try {
                    duration(settings, key, Duration.ZERO);
                } catch (IllegalArgumentException e) {
                    problems.add(StepCheck.Problem.error("/" + key, e.getMessage()));
                }
            }
        }
        JsonNode backoff = settings.get("backoff");
        if (backoff != null && !backoff.isNull() && !backoff.asText().contains("{{")) {
            try {
                backoff(settings);
            } catch (IllegalArgumentException e) {
                problems.add(StepCheck.Problem.error("/backoff", e.getMessage()));
            }
        }
        return problems;
    }

    @Override
    public StepOutcome execute(StepCall call) throws InterruptedException {
        JsonNode input = call.input();
        AwsCall aws = AwsCall.from(input);
        String until = input.path("until").asText();
        Duration interval;
        Duration maxInterval;
        Duration timeout;
        double backoff;
        try {
            interval = duration(input, "interval", Duration.ofSeconds(5));
            maxInterval = duration(input, "maxInterval", Duration.ofMinutes(1));
            timeout = duration(input, "timeout", Duration.ofMinutes(10));
            backoff = backoff(input);
        } catch (IllegalArgumentException e) {
            return new StepOutcome.Failed(e.getMessage(), null);
        }
        long deadline = pacing.nanoTime() + timeout.toNanos();
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
            long left = deadline - pacing.nanoTime();
            if (left <= 0) {
                return new StepOutcome.Failed("gave up after " + Durations.format(timeout) + " and " + polls + " calls: "
                        + until + " never held; the last response is below", last);
            }
            pacing.sleep(Math.min(interval.toMillis(), Math.max(1, left / 1_000_000)));
            interval = Duration.ofMillis(Math.min(maxInterval.toMillis(), (long) (interval.toMillis() * backoff)));
        }
    }

    private static Duration duration(JsonNode input, String key, Duration fallback) {
        JsonNode value = input.get(key);
        if (value == null || value.isNull()) {
            return fallback;
        }
        Duration duration = Durations.parse(value.asText()).orElseThrow(() -> new IllegalArgumentException(
                key + " '" + value.asText() + "' is not a duration; write e.g. 500ms, 30s, 5m or 1h30m"));
        if (duration.isZero() && !key.equals("timeout")) {
            // //why: a zero wait between calls would poll the API as fast as it answers
            throw new IllegalArgumentException(key + " must be longer than 0");
        }
        return duration;
    }

    /** The factor each wait grows by: at least 1, or the waits would shrink to nothing. */
    private static double backoff(JsonNode input) {
        JsonNode value = input.get("backoff");
        if (value == null || value.isNull()) {
            return 1.0;
        }
        double factor;
        try {
            factor = value.isNumber() ? value.doubleValue() : Double.parseDouble(value.asText().strip());
        } catch (NumberFormatException e) {
            factor = Double.NaN;
        }
        if (!(factor >= 1.0) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException("backoff must be a number of at least 1 (each wait is the one before times it), not '"
                    + value.asText() + "'");
        }
        return factor;
    }

    /** It only reads and waits: running it again after an interruption is harmless. */
    @Override
    public boolean safeToRetry(JsonNode input) {
        return true;
    }

    @Override
    public JsonNode preview(JsonNode input) {
        return AwsPreview.of(invoker, input);
    }
}
