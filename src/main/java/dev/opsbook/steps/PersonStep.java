package dev.opsbook.steps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.engine.Interaction;
import dev.opsbook.engine.StepCall;
import dev.opsbook.engine.StepExecutor;
import dev.opsbook.engine.StepOutcome;
import dev.opsbook.runbook.Approvers;
import dev.opsbook.runbook.StepCheck;
import dev.opsbook.runbook.StepKindSpec;
import java.util.Set;

/**
 * The two kinds a person answers: {@code manual} (a task to do and confirm; task-list items are
 * manual steps) and {@code approve} (a gate to allow or refuse). With nobody to ask, the run waits.
 */
public final class PersonStep implements StepExecutor {

    private final Interaction.Ask ask;

    private PersonStep(Interaction.Ask ask) {
        this.ask = ask;
    }

    public static PersonStep manual() {
        return new PersonStep(Interaction.Ask.TASK);
    }

    public static PersonStep approve() {
        return new PersonStep(Interaction.Ask.APPROVAL);
    }

    @Override
    public StepKindSpec spec() {
        return ask == Interaction.Ask.TASK
                ? StepKindSpec.yamlOrText("manual", "prompt", Set.of("prompt"), Set.of())
                        .withTraits(StepKindSpec.Trait.ASKS_A_PERSON, StepKindSpec.Trait.TASK)
                : StepKindSpec.yamlOrText("approve", "prompt", Set.of(), Set.of("prompt", "approvers")).withCheck((step, runbookKind) -> {
                    JsonNode approvers = step.settings() == null ? null : step.settings().get("approvers");
                    boolean names = approvers == null || approvers.isTextual() && !approvers.asText().isBlank()
                            || approvers.isArray() && !approvers.isEmpty() && java.util.stream.StreamSupport.stream(approvers.spliterator(), false)
                                    .allMatch(n -> n.isTextual() && !n.asText().isBlank() && !n.asText().contains("{{"));
                    return names ? java.util.List.<StepCheck.Problem>of() : java.util.List.of(StepCheck.Problem.error("/approvers",
                            "approvers must be a list of the names that may approve, e.g. [alice, bob]: API token names, or user names at a terminal"));
                }).withTraits(StepKindSpec.Trait.ASKS_A_PERSON, StepKindSpec.Trait.APPROVAL);
    }

    @Override
    public StepOutcome execute(StepCall call) throws InterruptedException {
        String prompt = call.input().path("prompt").asText(ask == Interaction.Ask.APPROVAL ? "Approve step " + call.step().id() + "?" : call.step().title());
        try {
            Approvers approvers = ask == Interaction.Ask.APPROVAL ? Approvers.of(call.input()) : Approvers.ANYONE;
            Interaction.Answer answer = call.interaction().ask(new Interaction.Prompt(call.runId(), call.step().id(), ask, prompt, approvers));
            if (answer.confirmed() && !approvers.allow(answer.by())) {
                // //why: the run waits rather than fails, so one of the approvers can still approve it (opsbook approve)
                return new StepOutcome.Waiting("approval refused: " + approvers.refusal(call.step().id(), answer.by())
                        + " (opsbook approve " + call.runId() + " " + call.step().id() + ")", null);
            }
            ObjectNode result = JsonNodeFactory.instance.objectNode();
            result.put(ask == Interaction.Ask.TASK ? "done" : "approved", answer.confirmed());
            result.put("by", answer.by());
            result.put("comment", answer.comment());
            result.put("at", answer.at().toString());
            result.put("how", answer.how());
            return new StepOutcome.Answered(answer, result);
        } catch (Interaction.Unavailable e) {
            return new StepOutcome.Waiting(e.getMessage(), null);
        }
    }

    /** Asking a person again changes nothing: an answer already given is kept. */
    @Override
    public boolean safeToRetry(com.fasterxml.jackson.databind.JsonNode input) {
        return true;
    }
}
