package dev.opsbook.service;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.engine.RunResult;
import dev.opsbook.engine.RunState;
import dev.opsbook.engine.StepExecution;
import dev.opsbook.graph.LoadedRunbook;
import dev.opsbook.runbook.Durations;
import dev.opsbook.runbook.Runbook;
import dev.opsbook.runbook.StepKindSpec;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What one tier of an escalation is told (pure): which of the four things happened, the runbook, the run, the step, what the
 * person must decide (for an approval, what the next steps will do, as the run page shows it: {@link NextSteps}), how to
 * answer or acknowledge, and a link to the run page. Secrets are masked as the record masks them.
 */
record TierMessage(String subject, String text, ObjectNode details) {

    static TierMessage of(LoadedRunbook loaded, RunResult result, Occasions.Occasion occasion, int tier, int tiers,
                          Optional<URI> publicUrl, Instant now) {
        Runbook runbook = loaded.runbook();
        RunState state = result.state();
        String runId = state.runId();
        Optional<StepExecution> step = occasion.step();
        String stepPart = step.map(x -> " at step '" + x.key() + "'").orElse("");
        //why: whoever is paged during a game day must see at once that nothing is really broken
        String drill = state.drill().map(gameDay -> dev.opsbook.steps.DrillMark.PREFIX).orElse("");
        String subject = drill + "opsbook: " + runbook.id() + " " + occasion.kind().says() + stepPart + " (run " + runId + ")";
        String link = publicUrl.map(base -> base.toString().replaceAll("/+$", "") + "/runs/" + runId).orElse("/runs/" + runId);
        StringBuilder text = new StringBuilder();
        state.drill().ifPresent(gameDay -> text.append(dev.opsbook.steps.DrillMark.PREFIX).append("This is a drill of game day ")
                .append(gameDay).append(": nothing is really broken, but answer as you would.\n"));
        text.append("What happened: run ").append(runId).append(" of ").append(runbook.id()).append(' ').append(occasion.kind().says())
                .append(stepPart).append(" since ").append(occasion.since()).append(" (")
                .append(Durations.format(java.time.Duration.between(occasion.since(), now).withNanos(0))).append(" ago)\n");
        text.append("Runbook: ").append(runbook.id()).append(" — ").append(runbook.title())
                .append(runbook.owner().isBlank() ? "" : " (owner " + runbook.owner() + ")").append('\n');
        text.append("Run: ").append(runId).append(", started by ").append(state.startedBy()).append(" (").append(state.trigger()).append(")\n");
        step.ifPresent(x -> text.append("Step: ").append(x.key()).append(" (").append(kind(runbook, x)).append(")")
                .append(x.message().isBlank() ? "" : ": " + result.redactor().text(x.message())).append('\n'));
        text.append("To decide: ").append(decision(loaded, result, occasion)).append('\n');
        text.append("Acknowledge (stops the escalation): opsbook ack ").append(runId).append('\n');
        text.append("Run page: ").append(link).append('\n');
        text.append("Escalation: tier ").append(tier + 1).append(" of ").append(tiers).append('\n');
        ObjectNode details = JsonNodeFactory.instance.objectNode();
        details.put("kind", occasion.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
        details.put("runbook", runbook.id());
        details.put("run", runId);
        step.ifPresent(x -> details.put("step", x.key()));
        details.put("tier", tier + 1);
        details.put("link", link);
        state.drill().ifPresent(gameDay -> details.put("drill", gameDay));
        return new TierMessage(subject, text.toString(), details);
    }

    private static String kind(Runbook runbook, StepExecution execution) {
        return runbook.step(execution.stepId()).map(s -> s.kind()).orElse("step");
    }

    private static String decision(LoadedRunbook loaded, RunResult result, Occasions.Occasion occasion) {
        String runId = result.state().runId();
        return switch (occasion.kind()) {
            case WAITING -> {
                StepExecution x = occasion.step().orElseThrow();
                String prompt = x.input() == null ? "" : result.redactor().text(x.input().path("prompt").asText(""));
                boolean approval = loaded.runbook().step(x.stepId()).map(s -> s.has(StepKindSpec.Trait.APPROVAL)).orElse(false);
                StringBuilder says = new StringBuilder(approval ? "approve or reject" : "say whether the manual step was done");
                if (!prompt.isBlank()) {
                    says.append(": ").append(prompt);
                }
                List<NextSteps.Next> next = NextSteps.after(loaded.graph(), result.state(), x, result.redactor());
                if (!next.isEmpty()) {
                    says.append("\nIf approved, next:");
                    next.forEach(n -> says.append("\n  - ").append(n.id()).append(" (").append(n.kind()).append("): ")
                            .append(n.input().replace("\n", "\n    ")));
                }
                says.append("\nAnswer: opsbook approve ").append(runId).append(' ').append(x.key()).append(" [--reject]");
                yield says.toString();
            }
            case NEEDS_ATTENTION -> "a step was interrupted and may not run again on its own; decide what becomes of it: opsbook resolve "
                    + runId + " " + occasion.step().map(StepExecution::key).orElse("STEP") + " --retry, or another decision (opsbook resolve --help)";
            case FAILED -> "look at the failure; resume the run from a step on its page (POST /api/runs/" + runId
                    + "/resume), or acknowledge it. " + result.redactor().text(result.state().message());
            case SUPPRESSED -> "the event did not start a run";
        };
    }
}
