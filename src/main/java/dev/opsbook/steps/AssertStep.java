package dev.opsbook.steps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
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
import dev.opsbook.runbook.StepKindSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code assert}: one JMESPath condition ({@code that:}), or a list of them, over the run's
 * context; it fails, saying which one and what it saw, unless all hold. With a read-only AWS
 * call ({@code service}, {@code operation}, {@code input}) the conditions read its response.
 */
public final class AssertStep implements StepExecutor {

    private final AwsApi invoker;

    public AssertStep(AwsApi invoker) {
        this.invoker = invoker;
    }

    @Override
    public StepKindSpec spec() {
        return StepKindSpec.yaml("assert", Set.of("that"), Set.of("message", "service", "operation", "input", "region", "role"))
                .withCheck(new AwsStepCheck(AwsServices.onClasspath(), false))
                .withTraits(StepKindSpec.Trait.READ_ONLY, StepKindSpec.Trait.CALLS_AWS);
    }

    @Override
    public StepOutcome execute(StepCall call) throws InterruptedException {
        JsonNode subject = call.context();
        JsonNode response = null;
        if (call.input().has("service")) {
            StepOutcome outcome = AwsStep.invoke(invoker, AwsCall.from(call.input()), call);
            if (outcome instanceof StepOutcome.Failed) {
                return outcome;
            }
            response = outcome.result();
            subject = response;
        }
        JsonNode that = call.input().path("that");
        List<String> conditions = new ArrayList<>();
        if (that.isArray()) {
            that.forEach(c -> conditions.add(c.asText()));
        } else {
            conditions.add(that.asText());
        }
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        ArrayNode checks = result.putArray("checks");
        String failure = null;
        for (String condition : conditions) {
            ObjectNode check = checks.addObject().put("that", condition);
            try {
                JsonNode value = Expressions.evaluate(condition, subject);
                boolean holds = Expressions.isTruthy(value);
                check.set("value", value);
                check.put("holds", holds);
                if (!holds && failure == null) {
                    failure = "assertion failed: " + condition + " (was " + value + ")";
                }
            } catch (ExpressionException e) {
                check.put("holds", false).put("error", e.getMessage());
                if (failure == null) {
                    failure = e.getMessage();
                }
            }
        }
        result.put("holds", failure == null);
        if (response != null) {
            result.set("response", response);
        }
        if (failure != null) {
            String message = call.input().path("message").asText("");
            return new StepOutcome.Failed(message.isEmpty() ? failure : message + " (" + failure + ")", result);
        }
        return new StepOutcome.Succeeded(result);
    }

    /** It only reads and compares: running it again after an interruption is harmless. */
    @Override
    public boolean safeToRetry(JsonNode input) {
        return true;
    }
}
