package dev.opsbook.service;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.engine.ChildRuns;
import dev.opsbook.engine.Role;
import dev.opsbook.engine.RunEvent;
import dev.opsbook.engine.RunState;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.engine.StepExecution;
import dev.opsbook.store.RunStore;
import dev.opsbook.store.StoredRun;
import java.time.Clock;
import java.util.List;

/**
 * How a parent's rollback of a {@code runbook} step reaches the child: a {@link RunEvent.RollbackRequested} in the
 * child's history (written once, checked like any request), then the child taken up by the host as a resumed run, whose
 * scheduler turns the request into its failure path. Asked again (a retry, a takeover of the parent), it writes nothing
 * twice: a child already asked is only taken up when no process holds it, then followed.
 */
final class ChildUndoing {

    private ChildUndoing() {
    }

    static void request(RunStore store, ChildRunner.Host host, String childId, String by, String reason, Clock clock) throws ChildRuns.Refused {
        StoredRun row = store.run(childId).orElseThrow(() -> new ChildRuns.Refused("child run " + childId + " is not in the store;"
                + " there is nothing to roll back"));
        List<RunEvent> events = store.events(childId);
        boolean asked = events.stream().anyMatch(e -> e instanceof RunEvent.RollbackRequested);
        if (!asked) {
            if (row.status() != RunStatus.SUCCEEDED) {
                throw new ChildRuns.Refused("child run " + childId + " is " + row.status().label() + ", not succeeded: only a child"
                        + " that succeeded is rolled back for its parent");
            }
            try {
                events = RunAppends.checked(store, childId, events, new RunEvent.RollbackRequested(clock.instant(), by, reason));
            } catch (IllegalStateException e) {
                events = store.events(childId); // another process asked at the same moment
            }
        }
        if (events.get(events.size() - 1) instanceof RunEvent.RollbackRequested && !host.runsHere(childId)) {
            host.resume(store.run(childId).orElseThrow(), events); // claims it with RunResumed, from one process only
        }
    }

    /** The child as it ended, with the rollbacks it ran listed under {@code rollbacks} (step, for, status, message). */
    static ChildRuns.Child summary(ChildRuns.Child ended, RunState state) {
        ObjectNode outputs = JsonNodeFactory.instance.objectNode();
        ArrayNode rollbacks = outputs.putArray("rollbacks");
        for (StepExecution execution : state.executions().values()) {
            if (execution.role() == Role.ROLLBACK) {
                rollbacks.addObject().put("step", execution.stepId()).put("for", execution.forStep().orElse(""))
                        .put("status", execution.status().label()).put("message", execution.message());
            }
        }
        return new ChildRuns.Child(ended.runId(), ended.runbookId(), ended.status(), ended.message(), outputs);
    }
}
