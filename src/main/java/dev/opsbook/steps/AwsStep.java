package dev.opsbook.steps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.aws.AwsApi;
import dev.opsbook.aws.AwsCall;
import dev.opsbook.aws.AwsInvoker;
import dev.opsbook.aws.AwsServices;
import dev.opsbook.aws.AwsStepCheck;
import dev.opsbook.aws.ShapeDocuments;
import dev.opsbook.engine.Interaction;
import dev.opsbook.engine.StepCall;
import dev.opsbook.engine.StepExecutor;
import dev.opsbook.engine.StepOutcome;
import dev.opsbook.runbook.RunbookKind;
import dev.opsbook.runbook.StepKindSpec;
import java.util.Optional;
import java.util.Set;

/**
 * {@code aws}: one call to any AWS API operation, in the API reference's names. The result is
 * the response document. In a playbook, a mutating call (allowed by {@code mutating: true})
 * first asks for an approval.
 */
public final class AwsStep implements StepExecutor {

    static final Set<String> CALL_KEYS = Set.of("input", "region", "role");

    private final AwsApi invoker;

    public AwsStep(AwsApi invoker) {
        this.invoker = invoker;
    }

    @Override
    public StepKindSpec spec() {
        return StepKindSpec.yaml("aws", Set.of("service", "operation"), Set.of("input", "region", "role", "paginate", "mutating"))
                .withCheck(new AwsStepCheck(AwsServices.onClasspath(), true))
                .withTraits(StepKindSpec.Trait.CALLS_AWS);
    }

    @Override
    public StepOutcome execute(StepCall call) throws InterruptedException {
        AwsCall aws = AwsCall.from(call.input());
        JsonNode approval = null;
        if (call.runbookKind() == RunbookKind.PLAYBOOK && !invoker.isReadOnly(aws)) {
            String prompt = "This playbook step calls " + invoker.action(aws) + ", which changes things. Allow it?";
            try {
                Interaction.Answer answer = call.interaction().ask(new Interaction.Prompt(call.runId(), call.step().id(), Interaction.Ask.APPROVAL, prompt));
                if (!answer.confirmed()) {
                    return new StepOutcome.Failed("the mutating call was not approved: rejected by " + answer.by()
                            + (answer.comment().isBlank() ? "" : ": " + answer.comment()), approval(answer));
                }
                approval = approval(answer);
            } catch (Interaction.Unavailable e) {
                return new StepOutcome.Waiting("a mutating call in a playbook needs an approval: " + e.getMessage(), null);
            }
        }
        return invoke(invoker, aws, call, approval);
    }

    static StepOutcome invoke(AwsApi invoker, AwsCall aws, StepCall call) throws InterruptedException {
        return invoke(invoker, aws, call, null);
    }

    /** @param approval who allowed a playbook's mutating call: kept with the call, so the record and audit trail say who */
    private static StepOutcome invoke(AwsApi invoker, AwsCall aws, StepCall call, JsonNode approval) throws InterruptedException {
        AwsInvoker.Outcome outcome;
        try {
            outcome = invoker.invoke(aws, "opsbook-" + call.runId() + "-" + call.step().id(),
                    Optional.of("opsbook/" + call.runId() + "/" + call.key()));
        } catch (ShapeDocuments.InvalidInput | IllegalArgumentException | IllegalStateException e) {
            return new StepOutcome.Failed(e.getMessage(), null);
        }
        if (approval != null) {
            outcome.log().set("approval", approval);
        }
        call.calls().accept(outcome.log());
        return outcome.ok() ? new StepOutcome.Succeeded(outcome.result()) : new StepOutcome.Failed(outcome.message(), outcome.result());
    }

    private static JsonNode approval(Interaction.Answer answer) {
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        result.put("approved", answer.confirmed()).put("by", answer.by()).put("comment", answer.comment()).put("how", answer.how())
                .put("at", answer.at().toString());
        return result;
    }

    /** Read-only operations may run again after an interruption; anything that changes things waits for a person. */
    @Override
    public boolean safeToRetry(JsonNode input) {
        return input != null && invoker.isReadOnly(AwsCall.from(input));
    }

    @Override
    public String describe(dev.opsbook.runbook.Step step, JsonNode input) {
        return describeCall(invoker, input);
    }

    static String describeCall(AwsApi invoker, JsonNode input) {
        if (input == null || !input.isObject()) {
            return "called AWS";
        }
        AwsCall aws = AwsCall.from(input);
        return "called " + invoker.action(aws) + aws.region().map(r -> " in " + r).orElse("") + " with input " + aws.input();
    }

    @Override
    public JsonNode preview(JsonNode input) {
        return AwsPreview.of(invoker, input);
    }
}
