package dev.opsbook.steps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.engine.ChildRuns;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.engine.StepOutcome;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code runbook} step rolled back by its parent: its child run runs its own rollbacks ({@link ChildRuns#rollBack}).
 * The parent's rollback succeeds when each of the child's rollbacks did; its result names the child run and lists them.
 */
final class ChildUndo {

    private ChildUndo() {
    }

    static StepOutcome outcome(ChildRuns children, ChildRuns.Call call, String reason) throws InterruptedException {
        ChildRuns.Child undone;
        try {
            undone = children.rollBack(call, reason);
        } catch (ChildRuns.Refused e) {
            return new StepOutcome.Failed(e.getMessage(), null);
        }
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        result.put("run", undone.runId());
        result.put("runbook", undone.runbookId());
        result.put("status", undone.status().label());
        JsonNode rollbacks = undone.outputs() == null ? JsonNodeFactory.instance.arrayNode() : undone.outputs().path("rollbacks");
        result.set("rollbacks", rollbacks);
        List<String> failed = new ArrayList<>();
        List<String> done = new ArrayList<>();
        for (JsonNode rollback : rollbacks) {
            String what = "'" + rollback.path("step").asText() + "' for '" + rollback.path("for").asText() + "'";
            if (rollback.path("status").asText().equals(dev.opsbook.engine.StepStatus.SUCCEEDED.label())) {
                done.add(what);
            } else {
                failed.add(what + " " + rollback.path("status").asText() + ": " + rollback.path("message").asText());
            }
        }
        String which = "child run " + undone.runId() + " of " + undone.runbookId();
        if (!failed.isEmpty() || undone.status() != RunStatus.FAILED) {
            return new StepOutcome.Failed(which + " was not wholly rolled back (" + undone.status().label() + ")"
                    + (failed.isEmpty() ? ": " + undone.message() : "; rollback " + String.join("; ", failed)), result);
        }
        result.put("message", done.isEmpty() ? which + " had nothing to roll back (no step of it that succeeded names a rollback)"
                : which + " rolled back: " + String.join(", ", done));
        return new StepOutcome.Succeeded(result);
    }
}
