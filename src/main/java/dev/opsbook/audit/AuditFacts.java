package dev.opsbook.audit;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.engine.ItemLabel;
import dev.opsbook.engine.Redactor;
import dev.opsbook.engine.RunEvent;
import dev.opsbook.engine.RunState;
import dev.opsbook.runbook.Runbook;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * What a run's audit trail says of each event, a pure function: who started it, each outside call
 * (without the response), each answer of a person, each step's end, and the run's end. Events
 * arrive with secrets already masked; parameters of type secret are masked here too. The file trail
 * ({@link AuditLog}) and the store's chain write the same entries.
 */
public final class AuditFacts {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private AuditFacts() {
    }

    /** The entry {@code event} of a run of {@code runbook} makes, {@code state} being the run's state after it. */
    public static Optional<AuditFact> of(RunEvent event, RunState state, Runbook runbook) {
        return of(event, state, runbook.file(), name -> runbook.parameter(name).map(p -> p.isSecret()).orElse(false));
    }

    /**
     * The entry a run's event makes, if it makes one; {@code source} (the runbook's file) and
     * {@code secretParameter} matter only for the start.
     */
    public static Optional<AuditFact> of(RunEvent event, RunState state, String source, Predicate<String> secretParameter) {
        ObjectNode data = JSON.objectNode();
        String type;
        if (event instanceof RunEvent.RunStarted e) {
            type = "run-started";
            data.put("run", e.runId());
            data.put("runbook", e.runbookId());
            data.put("source", source);
            data.put("contentSha256", e.contentHash());
            data.put("startedBy", e.startedBy());
            data.put("trigger", e.trigger());
            ObjectNode params = data.putObject("parameters");
            e.params().fields().forEachRemaining(f -> {
                boolean secret = secretParameter.test(f.getKey());
                params.set(f.getKey(), secret && !f.getValue().isNull() ? JSON.textNode(Redactor.MASK) : f.getValue());
            });
        } else if (event instanceof RunEvent.StepStarted e) {
            type = "step-started";
            step(data, state, e.key());
            data.put("role", e.role().label());
            e.forStep().ifPresent(f -> data.put("for", f));
        } else if (event instanceof RunEvent.CallMade e) {
            type = "call";
            step(data, state, e.key());
            ObjectNode call = e.call().deepCopy();
            call.remove("response"); // the record keeps responses; the trail keeps what was asked and how it ended
            data.setAll(call);
        } else if (event instanceof RunEvent.StepAnswered e) {
            type = "answer";
            step(data, state, e.key());
            data.put("confirmed", e.answer().confirmed());
            data.put("by", e.answer().by());
            data.put("how", e.answer().how());
            data.put("comment", e.answer().comment());
        } else if (event instanceof RunEvent.StepFinished e) {
            type = "step-finished";
            step(data, state, e.key());
            data.put("status", e.status().label());
            state.execution(e.key()).ifPresent(x -> data.put("attempts", x.attempts().size()));
            if (!e.message().isEmpty()) {
                data.put("message", e.message());
            }
        } else if (event instanceof RunEvent.StepSkipped e) {
            type = "step-skipped";
            step(data, state, e.key());
            data.put("reason", e.reason());
        } else if (event instanceof RunEvent.CancelRequested e) {
            type = "cancel-requested";
            data.put("reason", e.reason());
        } else if (event instanceof RunEvent.RunTimedOut e) {
            type = "run-timed-out";
            data.put("limitMs", e.limit().toMillis());
        } else if (event instanceof RunEvent.RunRestarted e) {
            type = "run-restarted";
            data.put("by", e.by());
            data.put("fromStep", e.fromStep());

        } else if (event instanceof RunEvent.RollbackRequested e) {
            type = "rollback-requested";
            data.put("by", e.by());
            data.put("reason", e.reason());
        } else if (event instanceof RunEvent.RunTakenOver e) {
            type = "run-taken-over";
            data.put("by", e.by());
            data.put("from", e.from());
        } else if (event instanceof RunEvent.StepInterrupted e) {
            type = "step-interrupted";
            step(data, state, e.key());
            data.put("retry", e.retry());
            data.put("detail", e.detail());
        } else if (event instanceof RunEvent.StepResolved e) {
            type = "step-resolved";
            step(data, state, e.key());
            data.put("resolution", e.resolution().label());
            data.put("by", e.by());
            data.put("comment", e.comment() == null ? "" : e.comment());
        } else if (event instanceof RunEvent.RunFinished e) {
            type = "run-finished";
            data.put("status", e.status().label());
            if (!e.message().isEmpty()) {
                data.put("message", e.message());
            }
        } else {
            return Optional.empty(); // attempts are in the record; the trail keeps outcomes
        }
        return Optional.of(new AuditFact(event.at(), type, data));
    }

    /** The step an execution is of; for an item of a for-each step, also which item: its index and a short value. */
    private static void step(ObjectNode data, RunState state, String key) {
        Optional<ItemLabel> item = ItemLabel.of(state, key);
        data.put("step", item.map(ItemLabel::stepId).orElseGet(() -> state.execution(key).map(x -> x.stepId()).orElse(key)));
        item.ifPresent(i -> data.put("item", i.index()).put("value", i.value()));
    }
}
